"""The guard every transition shares: the move must be in the map of allowed transitions."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import (
    MEETING_STATUS_IN_SENTENCE,
    MEETING_TRANSITIONS,
    REQUEST_STATUS_IN_SENTENCE,
    REQUEST_TRANSITIONS,
    LogAction,
    MeetingStatus,
    Party,
    RequestStatus,
)
from ..models import MeetingRequest, User
from .activity import from_to, log_action
from .errors import DomainError

# One whole sentence per refused move, so each language orders its own words; the status the
# object is in comes from the in-sentence words of enums.py.
REQUEST_REFUSALS = {
    RequestStatus.PENDING: _("This request is %(status)s and cannot be reopened."),
    RequestStatus.ACCEPTED: _("This request is %(status)s and can no longer be accepted."),
    RequestStatus.DECLINED: _("This request is %(status)s and can no longer be declined."),
    RequestStatus.WITHDRAWN: _("This request is %(status)s and can no longer be withdrawn."),
    RequestStatus.EXPIRED: _("This request is %(status)s and can no longer expire."),
    RequestStatus.CANCELLED: _("This request is %(status)s and can no longer be cancelled."),
}
MEETING_REFUSALS = {
    MeetingStatus.SCHEDULED: _("This meeting is %(status)s and cannot be scheduled again."),
    MeetingStatus.CANCELLED: _("This meeting is %(status)s and can no longer be cancelled."),
    MeetingStatus.HELD: _("This meeting is %(status)s and cannot be marked as held."),
    MeetingStatus.NO_SHOW: _("This meeting is %(status)s and cannot be marked as a no-show."),
}


def ensure_request_transition(current: str, target: str) -> None:
    if target not in REQUEST_TRANSITIONS[current]:
        raise DomainError(
            REQUEST_REFUSALS[target] % {"status": REQUEST_STATUS_IN_SENTENCE[current]}
        )


def ensure_meeting_transition(current: str, target: str) -> None:
    if target not in MEETING_TRANSITIONS[current]:
        raise DomainError(
            MEETING_REFUSALS[target] % {"status": MEETING_STATUS_IN_SENTENCE[current]}
        )


def pass_turn(request: MeetingRequest, to: Party | str) -> None:
    """The one place that decides whose turn it is: ``to`` must answer now. The caller saves."""
    request.turn = Party(to)
    request.turn_since = timezone.now()


def change_request_status(
    request: MeetingRequest, *, actor: User | None, to: str, action: LogAction, note: str = ""
) -> None:
    """Move a locked request to ``to``, remember who acted, and log it (with the reason given,
    if any)."""
    from_status = request.status
    ensure_request_transition(from_status, to)
    request.status = to
    if to != RequestStatus.PENDING:
        # Nobody has to answer an accepted or closed request any more.
        request.turn, request.turn_since = "", None
    request.acted_by = actor if actor and actor.is_authenticated else None
    request.acted_at = timezone.now()
    request.save(
        update_fields=[
            "status",
            "acted_by",
            "acted_at",
            "decline_reason",
            "proposed_start",
            "turn",
            "turn_since",
        ]
    )
    data = {"status": from_to(from_status, to)}
    if note:
        data["note"] = note
    log_action(actor=actor, obj=request, action=action, data=data)
