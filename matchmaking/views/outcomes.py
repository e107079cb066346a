"""After a meeting: each side says whether it took place and what came of it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..forms import OutcomeForm
from ..models import MeetingOutcome
from ..permissions import Side, current_tour, get_meeting_for_user, side_of
from ..services import DomainError
from ..services.outcomes import record_outcome
from .access import login_required

BAD_REQUEST = 400


@login_required
def meeting_outcome(request, pk: int):
    """One side's answer for one meeting: only the two sides have one (organisers read both in
    the admin); another party's meeting is not found."""
    meeting = get_meeting_for_user(request.user, pk, current_tour(request.user))
    side = side_of(request.user, meeting)
    if side not in (Side.TANDEM, Side.INSTITUTION):
        raise PermissionDenied
    own = MeetingOutcome.objects.filter(meeting=meeting, side=side).first()
    initial = {"attendance": own.attendance, "result": own.result, "note": own.note} if own else {}
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_outcome(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return redirect("dashboard")
    context = {
        "meeting": meeting,
        "form": form,
        "own": own,
        "other": meeting.institution if side == Side.TANDEM else meeting.tandem,
        "started": meeting.starts_at <= timezone.now(),
    }
    status = BAD_REQUEST if request.method == "POST" else 200
    return render(request, "matchmaking/outcome_form.html", context, status=status)
