"""The tandem's journey: dashboard, recommendations, requests to institutions, own profile."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..enums import Direction
from ..forms import TandemProfileForm
from ..permissions import get_institution_for_user, requests_visible_to
from ..recommendations import recommend
from ..services import DomainError
from ..services.profiles import update_tandem_profile
from .access import tandem_member_required
from .requests import ask


@tandem_member_required
def dashboard(request, tandem):
    context = {
        "tandem": tandem,
        "request_groups": selectors.requests_by_status(requests_visible_to(request.user)),
        "meetings": selectors.upcoming_meetings(request.user, timezone.now()),
        "sessions": selectors.my_sessions(request.user),
        "recommendations": recommend(tandem, selectors.recommendation_candidates(tandem)),
    }
    return render(request, "matchmaking/tandem_dashboard.html", context)


@tandem_member_required
def request_meeting(request, tandem, pk: int):
    institution = get_institution_for_user(request.user, pk)
    return ask(
        request,
        tandem=tandem,
        institution=institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        template="matchmaking/institution_detail.html",
        context={"institution": institution, "tandem": tandem},
    )


@tandem_member_required
def edit_profile(request, tandem):
    form = TandemProfileForm(
        request.POST or None,
        instance=tandem,
        initial={"topics": list(tandem.topics.all()), "seeks": tandem.seeks},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_tandem_profile(
                actor=request.user,
                tandem=tandem,
                fields={f: data[f] for f in TandemProfileForm.Meta.fields},
                topics=list(data["topics"]),
                seeks=data["seeks"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("tandem_dashboard")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "matchmaking/profile_form.html", {"form": form, "tandem": tandem}, status=status
    )
