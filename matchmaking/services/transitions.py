"""The guard every transition shares: the move must be in the map of allowed transitions."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import (
    MEETING_TRANSITIONS,
    REQUEST_TRANSITIONS,
    LogAction,
    MeetingStatus,
    Party,
    RequestStatus,
)
from ..models import MeetingRequest, User
from .activity import from_to, log_action
from .errors import DomainError


def ensure_request_transition(current: str, target: str) -> None:
    if target not in REQUEST_TRANSITIONS[current]:
        raise DomainError(
            _("This request is %(current)s and can no longer be %(target)s.")
            % {
                "current": RequestStatus(current).label,
                "target": RequestStatus(target).label.lower(),
            }
        )


def ensure_meeting_transition(current: str, target: str) -> None:
    if target not in MEETING_TRANSITIONS[current]:
        raise DomainError(
            _("This meeting is %(current)s and cannot be marked %(target)s.")
            % {
                "current": MeetingStatus(current).label,
                "target": MeetingStatus(target).label.lower(),
            }
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
