"""Every kind of e-mail the portal sends, one registry entry each: who receives it, its
templates (templates/emails/<kind>/subject.txt, body.txt, body.html), the preference that
switches it off, whether it carries a calendar entry, and when a written row is out of date.

A new kind of e-mail is one entry here, its name and label in ``enums.EmailKind``, one function in
``messages.py`` and its three templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from ..enums import OPEN_FOLLOW_UP_STAGES, MeetingStatus, RequestStatus, TourStatus
from ..models import (
    FollowUp,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    OutboxMessage,
    Session,
)
from . import calendar, recipients
from .preferences import muted_preferences


@dataclass(frozen=True)
class Kind:
    name: str
    # (object the message is about, who acted) → the people told; None: the invited address.
    recipients: Callable | None
    # The switch in PREFERENCES that silences it; None: always sent.
    preference: str | None = None
    # METHOD of the attached calendar entry (REQUEST or CANCEL); "" for no entry.
    calendar_method: str = ""
    # Given the row's context: true when the row should no longer go out.
    out_of_date: Callable[[dict], bool] | None = None
    # ``recipients`` for many objects at once in a constant number of queries (a batch plan's
    # meetings); None: ``recipients`` is asked for each.
    recipients_of_each: Callable | None = None

    def people_of_each(self, abouts: list, actor=None) -> list[list]:
        if self.recipients_of_each is not None:
            return self.recipients_of_each(abouts, actor)
        return [self.recipients(about, actor) for about in abouts]

    @property
    def calls_off(self) -> bool:
        """It tells people a meeting or session is no longer theirs (cancelled, withdrawn, their
        place given up): the kinds whose calendar entry removes it."""
        return self.calendar_method == calendar.CANCEL

    def template(self, part: str) -> str:
        return f"emails/{self.name}/{part}"


def _meeting_moved_or_gone(context: dict) -> bool:
    return not Meeting.objects.filter(
        pk=context["meeting_id"],
        status=MeetingStatus.SCHEDULED,
        starts_at=datetime.fromisoformat(context["starts_at"]),
    ).exists()


def _session_moved_or_gone(context: dict) -> bool:
    return not Session.objects.filter(
        pk=context["session_id"],
        is_published=True,
        starts_at=datetime.fromisoformat(context["starts_at"]),
    ).exists()


def _outcome_given_or_gone(context: dict) -> bool:
    """The side answered meanwhile, or there is nothing to ask any more."""
    return (
        MeetingOutcome.objects.filter(
            meeting_id=context["meeting_id"], side=context["side"]
        ).exists()
        or Meeting.objects.filter(pk=context["meeting_id"])
        .filter(Q(status=MeetingStatus.CANCELLED) | Q(tour__status=TourStatus.FINISHED))
        .exists()
    )


def _turn_taken(context: dict) -> bool:
    return not MeetingRequest.objects.filter(
        pk=context["request_id"],
        status=RequestStatus.PENDING,
        turn_since=datetime.fromisoformat(context["turn_since"]),
    ).exists()


def _follow_up_done_or_moved(context: dict) -> bool:
    return not FollowUp.objects.filter(
        pk=context["follow_up_id"], stage__in=OPEN_FOLLOW_UP_STAGES, due_on=context["due_on"]
    ).exists()


def _invitation_closed(context: dict) -> bool:
    return not Invitation.objects.filter(
        pk=context["invitation_id"], nonce=context["nonce"], status=InvitationStatus.OPEN
    ).exists()


_KINDS = [
    Kind("request_received", recipients.turn_side, "request_updates"),
    Kind("proposal_received", recipients.turn_side, "request_updates"),
    Kind("request_accepted", recipients.other_side, "request_updates"),
    Kind("request_declined", recipients.other_side, "request_updates"),
    Kind("request_withdrawn", recipients.other_side, "request_updates"),
    Kind("request_cancelled", recipients.other_side, "request_updates"),
    Kind("request_expired", recipients.both_sides, "request_updates"),
    Kind("request_nudge", recipients.turn_side, "request_nudges", out_of_date=_turn_taken),
    Kind(
        "meeting_scheduled",
        recipients.both_sides,
        calendar_method=calendar.REQUEST,
        recipients_of_each=recipients.both_sides_of_each,
    ),
    Kind(
        "meeting_moved",
        recipients.both_sides,
        calendar_method=calendar.REQUEST,
        recipients_of_each=recipients.both_sides_of_each,
    ),
    Kind("meeting_cancelled", recipients.both_sides, calendar_method=calendar.CANCEL),
    Kind("video_link_changed", recipients.all_but_actor, calendar_method=calendar.REQUEST),
    Kind(
        "meeting_reminder", recipients.both_sides, "reminders", out_of_date=_meeting_moved_or_gone
    ),
    Kind("session_published", recipients.session_people, calendar_method=calendar.REQUEST),
    Kind("session_changed", recipients.session_people, calendar_method=calendar.REQUEST),
    Kind("session_cancelled", recipients.session_holders, calendar_method=calendar.CANCEL),
    Kind(
        "session_reminder",
        recipients.session_people,
        "reminders",
        out_of_date=_session_moved_or_gone,
    ),
    Kind("registration_confirmed", recipients.registered_party, calendar_method=calendar.REQUEST),
    Kind("registration_cancelled", recipients.registered_party, calendar_method=calendar.CANCEL),
    Kind(
        "outcome_question",
        recipients.asked_side,
        "outcome_questions",
        out_of_date=_outcome_given_or_gone,
    ),
    Kind(
        "follow_up_due",
        recipients.follow_up_owner,
        "follow_up_reminders",
        out_of_date=_follow_up_done_or_moved,
    ),
    Kind(
        "follow_up_overdue",
        recipients.follow_up_owner,
        "follow_up_reminders",
        out_of_date=_follow_up_done_or_moved,
    ),
    Kind("invitation", None, out_of_date=_invitation_closed),
    # allauth's own e-mails, written by its templates when asked for (see adapters.py).
    Kind("account_email", None),
]
KINDS: dict[str, Kind] = {kind.name: kind for kind in _KINDS}


def preference_of(kind: str) -> str | None:
    return KINDS[kind].preference if kind in KINDS else None


def is_obsolete(message: OutboxMessage) -> bool:
    """Whether the row no longer should go out: the person switched it off meanwhile, a reminder
    for something cancelled or moved, a nudge for a turn already taken, a replaced or
    closed invitation. Changes themselves (moved, cancelled) always go out."""
    kind = KINDS[message.kind]
    recipient = message.recipient
    if (
        kind.preference
        and recipient is not None
        and kind.preference in muted_preferences(recipient)
    ):
        return True
    return kind.out_of_date is not None and kind.out_of_date(message.context)
