"""Meeting requests: ask, accept, propose another time (back and forth), confirm, decline,
withdraw, expire, cancel. Every transition says whose turn it is next (``pass_turn``).

Each transition: guard (who, from which state) → row lock in a transaction → save → activity log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import REQUEST_STATUS_IN_SENTENCE, LogAction, MeetingStatus, Party, RequestStatus
from ..models import Institution, MeetingRequest, PreferredSlot, Proposal, Tandem, User
from ..models.requests import MESSAGE_MAX_LENGTH
from ..permissions import Side, receiver_side, requester_side, side_of
from ..selectors.slots import slot_at, tour_slots
from .activity import from_to, log_action
from .calendars import lock_request
from .errors import DomainError
from .meetings import cancel_meeting, free_slot_for_both, place_accepted_request
from .transitions import change_request_status, pass_turn

MAX_PREFERRED_SLOTS = 3


def _ensure_side(actor: User, request: MeetingRequest, *allowed: Side) -> Side:
    side = side_of(actor, request)
    if side is None or side not in (*allowed, Side.ORGANISER):
        raise DomainError(_("You cannot do this for this meeting request."))
    return side


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Please write a short message to introduce the request."))
    if len(message) > MESSAGE_MAX_LENGTH:
        raise DomainError(
            _("The message is too long: at most %(limit)d characters.")
            % {"limit": MESSAGE_MAX_LENGTH}
        )
    return message


def request_meeting(
    *,
    actor: User,
    tandem: Tandem,
    institution: Institution,
    direction: str,
    message: str,
    preferred_starts: Sequence[datetime] = (),
) -> MeetingRequest:
    """Ask for a bilateral meeting. The tandem asks an institution or the other way round."""
    message = _clean_message(message)
    tour = tandem.tour
    probe = MeetingRequest(tour=tour, tandem=tandem, institution=institution, direction=direction)
    _ensure_side(actor, probe, requester_side(probe))
    if not tour.accepts_requests:
        raise DomainError(_("This tour does not take meeting requests at the moment."))
    if not institution.tours.filter(pk=tour.pk).exists():
        raise DomainError(_("This institution does not take part in the tandem's tour."))
    if len(set(preferred_starts)) != len(preferred_starts):
        raise DomainError(_("Each preferred time can be chosen only once."))
    if len(preferred_starts) > MAX_PREFERRED_SLOTS:
        raise DomainError(_("Choose at most three preferred times."))
    slots = tour_slots(tour) if preferred_starts else []
    if any(slot_at(slots, start) is None for start in preferred_starts):
        raise DomainError(_("A preferred time is not one of the tour's meeting slots."))
    try:
        with transaction.atomic():
            request = MeetingRequest(
                tour=tour,
                tandem=tandem,
                institution=institution,
                direction=direction,
                message=message,
                created_by=actor,
            )
            pass_turn(request, receiver_side(request))
            request.save()
            PreferredSlot.objects.bulk_create(
                PreferredSlot(request=request, starts_at=start, rank=rank)
                for rank, start in enumerate(preferred_starts, start=1)
            )
            log_action(
                actor=actor,
                obj=request,
                action=LogAction.REQUEST,
                data={"status": from_to(None, RequestStatus.PENDING)},
            )
            notifications.request_received(request)
    except IntegrityError as exc:
        raise DomainError(
            _("There is already an open meeting request between %(tandem)s and %(institution)s.")
            % {"tandem": tandem, "institution": institution}
        ) from exc
    return request


def _ensure_turn(actor: User, request: MeetingRequest, *allowed: Side) -> Party:
    """The actor's side must be the one whose turn it is (an organiser acts for that side);
    returns that side."""
    if request.status != RequestStatus.PENDING:
        raise DomainError(
            _("This request is %(status)s: it can no longer be answered.")
            % {"status": REQUEST_STATUS_IN_SENTENCE[request.status]}
        )
    side = _ensure_side(actor, request, *allowed)
    if side != Side.ORGANISER and side != request.turn:
        raise DomainError(_("It is the other side's turn to answer; please wait for them."))
    return Party(request.turn)


def _other(side: Party) -> Party:
    return Party.INSTITUTION if side == Party.TANDEM else Party.TANDEM


def accept_request(
    *, actor: User, request: MeetingRequest, start: datetime | None = None
) -> MeetingRequest:
    """The receiving side accepts while it is its turn. The meeting goes into ``start`` if
    given and free, otherwise into the earliest slot free for both (a pending proposal and the
    requester's preferred ones first); when there is none the request stays accepted but
    unscheduled, with the reason kept on the request. Both sides get one e-mail: "meeting
    scheduled", or "request accepted" when no slot was found."""
    with transaction.atomic():
        request = lock_request(request)
        _ensure_turn(actor, request, receiver_side(request))
        change_request_status(
            request, actor=actor, to=RequestStatus.ACCEPTED, action=LogAction.ACCEPT
        )
        if place_accepted_request(actor=actor, request=request, start=start) is None:
            notifications.request_accepted(request, actor)
    return request


def propose_time(*, actor: User, request: MeetingRequest, start: datetime) -> MeetingRequest:
    """The side whose turn it is proposes another slot, free for both; the turn passes to the
    other side, which may confirm it, propose yet another time or decline. Each proposal is
    kept as a Proposal row and e-mailed to the side that must answer now."""
    with transaction.atomic():
        request = lock_request(request)
        side = _ensure_turn(actor, request, Side.TANDEM, Side.INSTITUTION)
        if start == request.proposed_start:
            # Sent back as a "new" proposal it would only pass the turn to the other side again.
            raise DomainError(
                _(
                    "The other side has already proposed this time: confirm it, or propose "
                    "a different one."
                )
            )
        slot = free_slot_for_both(request, start)
        if slot.starts_at <= timezone.now():
            raise DomainError(_("This time has already passed; please choose a later one."))
        Proposal.objects.create(
            request=request, starts_at=slot.starts_at, side=side, proposed_by=actor
        )
        previous, request.proposed_start = request.proposed_start, slot.starts_at
        request.acted_by, request.acted_at = actor, timezone.now()
        pass_turn(request, _other(side))
        request.save(update_fields=["proposed_start", "acted_by", "acted_at", "turn", "turn_since"])
        log_action(
            actor=actor,
            obj=request,
            action=LogAction.PROPOSE_TIME,
            data={
                "proposed_start": from_to(previous, request.proposed_start),
                "turn": from_to(side, request.turn),
            },
        )
        notifications.proposal_received(request, actor)
    return request


def confirm_proposed_time(
    *, actor: User, request: MeetingRequest, start: datetime | None = None
) -> MeetingRequest:
    """The side whose turn it is agrees to the time the other side proposed: the request is
    accepted and the meeting placed there; both sides get one "meeting scheduled" e-mail. If
    the slot is no longer free nothing changes and the side may propose another time.
    ``start`` is the proposal the person saw (the portal's page always names it): when the
    other side has proposed another time since, nothing changes."""
    with transaction.atomic():
        request = lock_request(request)
        _ensure_turn(actor, request, Side.TANDEM, Side.INSTITUTION)
        if request.proposed_start is None:
            raise DomainError(_("The other side has not proposed another time."))
        if start is not None and start != request.proposed_start:
            raise DomainError(
                _(
                    "Another time has been proposed in the meantime; please look at it before "
                    "you confirm."
                )
            )
        change_request_status(
            request, actor=actor, to=RequestStatus.ACCEPTED, action=LogAction.CONFIRM_TIME
        )
        place_accepted_request(actor=actor, request=request, start=request.proposed_start)
    return request


def decline_request(*, actor: User, request: MeetingRequest, reason: str = "") -> MeetingRequest:
    """Saying no to the whole request, with a reason: the receiving side at any time while it
    is pending, the requester when a proposal waits for its answer."""
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise DomainError(_("The reason is too long: at most 500 characters."))
    with transaction.atomic():
        request = lock_request(request)
        side = side_of(actor, request)
        if side != receiver_side(request):
            _ensure_turn(actor, request, requester_side(request))
        request.decline_reason = reason
        change_request_status(
            request, actor=actor, to=RequestStatus.DECLINED, action=LogAction.DECLINE, note=reason
        )
        notifications.request_declined(request, actor)
    return request


def withdraw_request(*, actor: User, request: MeetingRequest) -> MeetingRequest:
    with transaction.atomic():
        request = lock_request(request)
        _ensure_side(actor, request, requester_side(request))
        change_request_status(
            request, actor=actor, to=RequestStatus.WITHDRAWN, action=LogAction.WITHDRAW
        )
        notifications.request_withdrawn(request, actor)
    return request


def expires_at(request: MeetingRequest) -> datetime:
    """The side whose turn it is has the tour's expiry period to answer the last turn."""
    return request.turn_since + timedelta(days=request.tour.request_expiry_days)


def expire_request(*, request: MeetingRequest, now: datetime | None = None) -> MeetingRequest:
    """The system closes a request whose turn went unanswered within the tour's expiry period;
    both sides are told which side did not answer."""
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        if request.status != RequestStatus.PENDING or expires_at(request) > now:
            raise DomainError(_("This request has not reached its expiry date yet."))
        silent_side = request.turn
        change_request_status(
            request, actor=None, to=RequestStatus.EXPIRED, action=LogAction.EXPIRE
        )
        notifications.request_expired(request, silent_side)
    return request


def cancel_request(*, actor: User, request: MeetingRequest, reason: str = "") -> MeetingRequest:
    """Either side (or an organiser) calls off a pending or accepted request and its meeting."""
    with transaction.atomic():
        request = lock_request(request)
        side = _ensure_side(actor, request, Side.TANDEM, Side.INSTITUTION)
        meeting = getattr(request, "meeting", None)
        if meeting is not None and meeting.status == MeetingStatus.SCHEDULED:
            cancel_meeting(actor=actor, meeting=meeting, reason=reason)
            request.refresh_from_db()
        else:
            change_request_status(
                request,
                actor=actor,
                to=RequestStatus.CANCELLED,
                action=LogAction.CANCEL,
                note=reason,
            )
            notifications.request_cancelled(request, actor, reason, by=side)
    return request
