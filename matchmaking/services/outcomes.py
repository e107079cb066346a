"""What came of a meeting, as each side tells it after the meeting started.

Each side (the tandem, the institution) has one answer per meeting; whoever of that side answers
(either tandem member, any representative of the tour) writes it, and may change it until the
tour is finished. The other side's answer is never shown to them; organisers see both
(``selectors.outcomes``).

The meeting's own status follows the first answer (``meetings.mark_from_answer``): a meeting
still scheduled is marked held when a side says it took place, no-show when a side says the
other did not come, with that person in the log. Statuses move once, so a later answer that
contradicts it (the other side, or a change of mind) leaves the status as it is and shows as
"sides differ" in the admin, where organisers take it up with both sides. An organiser's mark
made before any answer stays in the same way.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import Attendance, LogAction, MeetingStatus, OutcomeResult, Party, TourStatus
from ..models import Meeting, MeetingOutcome, User
from ..models.outcomes import NOTE_MAX_LENGTH
from ..permissions import Side, side_of
from .activity import from_to, log_action
from .calendars import lock_meeting
from .errors import DomainError
from .meetings import mark_from_answer


def _clean(attendance: str, result: str, note: str) -> tuple[str, str, str]:
    if attendance not in Attendance.values:
        raise DomainError(_("Please say whether the meeting took place."))
    if attendance == Attendance.NO_SHOW:
        result = ""  # nothing came of a meeting that did not happen
    elif result not in OutcomeResult.values:
        raise DomainError(_("Please choose what came of the meeting."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(
            _("The note is too long: at most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH}
        )
    return attendance, result, note


def record_outcome(
    *,
    actor: User,
    meeting: Meeting,
    attendance: str,
    result: str = "",
    note: str = "",
    now: datetime | None = None,
) -> MeetingOutcome:
    """Write or change the actor's side's answer. ``now``: the moment the answer counts as
    given (the demo answers as if after its meetings); the real time otherwise."""
    side = side_of(actor, meeting)
    if side not in (Side.TANDEM, Side.INSTITUTION):
        raise DomainError(_("Only the two sides of a meeting can say what came of it."))
    attendance, result, note = _clean(attendance, result, note)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        if meeting.status == MeetingStatus.CANCELLED:
            raise DomainError(_("This meeting was cancelled."))
        if meeting.starts_at > now:
            raise DomainError(_("You can say what came of a meeting once it has started."))
        if meeting.tour.status == TourStatus.FINISHED:
            raise DomainError(_("The tour is finished; its outcomes can no longer be changed."))
        outcome = MeetingOutcome.objects.filter(meeting=meeting, side=side).first()
        before = (outcome.attendance, outcome.result, outcome.note) if outcome else (None, None, "")
        if before == (attendance, result, note):
            return outcome
        if outcome is None:
            outcome = MeetingOutcome(meeting=meeting, side=Party(side))
        outcome.attendance, outcome.result, outcome.note = attendance, result, note
        outcome.answered_by, outcome.answered_at = actor, now
        outcome.save()
        log_action(
            actor=actor,
            obj=meeting,
            action=LogAction.OUTCOME,
            data={
                "side": str(side),
                "attendance": from_to(before[0], attendance),
                "result": from_to(before[1], result),
            },
        )
        mark_from_answer(actor=actor, meeting=meeting, held=attendance == Attendance.HELD)
    return outcome
