"""Meeting requests: ask, accept, propose another time, decline, withdraw, expire, cancel.

Each transition: guard (who, from which state) → row lock in a transaction → save → activity log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import LogAction, MeetingStatus, RequestStatus
from ..models import Institution, MeetingRequest, PreferredSlot, Tandem, User
from ..models.requests import MESSAGE_MAX_LENGTH
from ..permissions import Side, receiver_side, requester_side, side_of
from ..selectors.slots import slot_at, tour_slots
from .activity import from_to, log_action
from .calendars import lock_request
from .errors import DomainError
from .meetings import cancel_meeting, place_accepted_request
from .transitions import change_request_status

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
            request = MeetingRequest.objects.create(
                tour=tour,
                tandem=tandem,
                institution=institution,
                direction=direction,
                message=message,
                created_by=actor,
            )
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


def accept_request(
    *, actor: User, request: MeetingRequest, start: datetime | None = None
) -> MeetingRequest:
    """The receiving side accepts. The meeting goes into ``start`` if given and free, otherwise
    into the earliest slot free for both (the requester's preferred ones first); when there is
    none the request stays accepted but unscheduled, with the reason kept on the request."""
    with transaction.atomic():
        request = lock_request(request)
        _ensure_side(actor, request, receiver_side(request))
        change_request_status(
            request, actor=actor, to=RequestStatus.ACCEPTED, action=LogAction.ACCEPT
        )
        place_accepted_request(actor=actor, request=request, start=start)
        notifications.request_accepted(request, actor)
    return request


def propose_time(*, actor: User, request: MeetingRequest, start: datetime) -> MeetingRequest:
    """The receiving side suggests another slot; the requester then confirms or declines it."""
    with transaction.atomic():
        request = lock_request(request)
        _ensure_side(actor, request, receiver_side(request))
        if request.status != RequestStatus.PENDING:
            raise DomainError(_("Only a pending request can get a new time proposal."))
        if slot_at(tour_slots(request.tour), start) is None:
            raise DomainError(_("The proposed time is not one of the tour's meeting slots."))
        previous, request.proposed_start = request.proposed_start, start
        request.acted_by, request.acted_at = actor, timezone.now()
        request.save(update_fields=["proposed_start", "acted_by", "acted_at"])
        log_action(
            actor=actor,
            obj=request,
            action=LogAction.PROPOSE_TIME,
            data={"proposed_start": from_to(previous, request.proposed_start)},
        )
    return request


def confirm_proposed_time(*, actor: User, request: MeetingRequest) -> MeetingRequest:
    """The requester agrees to the time the other side proposed: the request is accepted."""
    with transaction.atomic():
        request = lock_request(request)
        _ensure_side(actor, request, requester_side(request))
        if request.proposed_start is None:
            raise DomainError(_("The other side has not proposed another time."))
        change_request_status(
            request, actor=actor, to=RequestStatus.ACCEPTED, action=LogAction.CONFIRM_TIME
        )
        place_accepted_request(actor=actor, request=request, start=request.proposed_start)
        notifications.request_accepted(request, actor)
    return request


def decline_request(*, actor: User, request: MeetingRequest, reason: str = "") -> MeetingRequest:
    """The receiving side says no; the requester may also say no to a proposed other time."""
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise DomainError(_("The reason is too long: at most 500 characters."))
    with transaction.atomic():
        request = lock_request(request)
        allowed = [receiver_side(request)]
        if request.proposed_start is not None:
            allowed.append(requester_side(request))
        _ensure_side(actor, request, *allowed)
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


def expire_request(*, request: MeetingRequest, now: datetime | None = None) -> MeetingRequest:
    """The system closes a request nobody answered within the tour's expiry period."""
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        if request.created_at + timedelta(days=request.tour.request_expiry_days) > now:
            raise DomainError(_("This request has not reached its expiry date yet."))
        change_request_status(
            request, actor=None, to=RequestStatus.EXPIRED, action=LogAction.EXPIRE
        )
        notifications.request_expired(request)
    return request


def cancel_request(*, actor: User, request: MeetingRequest, reason: str = "") -> MeetingRequest:
    """Either side (or an organiser) calls off a pending or accepted request and its meeting."""
    with transaction.atomic():
        request = lock_request(request)
        _ensure_side(actor, request, Side.TANDEM, Side.INSTITUTION)
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
            notifications.request_cancelled(request, actor)
    return request
