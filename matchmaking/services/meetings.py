"""Meetings: place an accepted request in a slot, move, cancel, mark held or no-show.

Each transition: guard (who, from which state) → row lock in a transaction → save → activity log.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import LogAction, MeetingStatus, RequestStatus
from ..models import Meeting, MeetingRequest, User, VideoProvider
from ..permissions import Side, is_organiser, side_of
from ..selectors.occupancy import occupancy
from ..selectors.slots import SlotTime, slot_at
from .activity import from_to, log_action
from .calendars import lock_meeting, lock_request
from .errors import DomainError
from .placement import first_slot_for
from .transitions import change_request_status, ensure_meeting_transition


def default_video_provider(tour_id: int) -> VideoProvider | None:
    """The provider that opens each new meeting's room in this tour, if it has one."""
    return VideoProvider.objects.filter(tour_id=tour_id, is_default=True).first()


def new_video_room(provider: VideoProvider | None) -> str:
    """A new room at ``provider`` (no room when the partner creates the meeting in that
    service); a tour without providers uses VIDEO_BASE_URL."""
    if provider is not None:
        return provider.new_room()
    return f"{settings.VIDEO_BASE_URL}/InnoHealth-{secrets.token_hex(8)}"


def free_slot_for_both(request: MeetingRequest, start: datetime) -> SlotTime:
    """The slot at ``start`` if it is one of the tour's and free for both sides."""
    occupied = occupancy(
        request.tour,
        tandem_ids=[request.tandem_id],
        institution_ids=[request.institution_id],
        exclude_request_ids=[request.pk],
    )
    slot = slot_at(occupied.slots, start)
    if slot is None:
        raise DomainError(_("This time is not one of the tour's meeting slots."))
    if slot.id in occupied.busy(tandem_id=request.tandem_id):
        raise DomainError(_("The tandem is not free at this time."))
    if slot.id in occupied.busy(institution_id=request.institution_id):
        raise DomainError(_("The institution is not free at this time."))
    return slot


def _create_meeting(*, actor: User | None, request: MeetingRequest, slot: SlotTime) -> Meeting:
    provider = default_video_provider(request.tour_id)
    video_url = new_video_room(provider)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                request=request,
                tour=request.tour,
                tandem=request.tandem,
                institution=request.institution,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                video_url=video_url,
                video_provider=provider,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Somebody took this slot a moment ago; please choose another.")
        ) from exc
    if request.unscheduled_reason:
        request.unscheduled_reason = ""
        request.save(update_fields=["unscheduled_reason"])
    log_action(
        actor=actor,
        obj=meeting,
        action=LogAction.SCHEDULE,
        data={"status": from_to(None, meeting.status), "starts_at": meeting.starts_at},
    )
    notifications.meeting_scheduled(meeting)
    return meeting


def place_accepted_request(
    *, actor: User | None, request: MeetingRequest, start: datetime | None = None
) -> Meeting | None:
    """Give an accepted request its meeting. Called inside the accepting transaction."""
    if start is not None:
        return _create_meeting(
            actor=actor, request=request, slot=free_slot_for_both(request, start)
        )
    found = first_slot_for(request)
    if isinstance(found, SlotTime):
        return _create_meeting(actor=actor, request=request, slot=found)
    request.unscheduled_reason = found.value
    request.save(update_fields=["unscheduled_reason"])
    log_action(actor=actor, obj=request, action=LogAction.UNSCHEDULED, data={"reason": found.value})
    return None


def _ensure_organiser(actor: User | None) -> None:
    # None is the server itself (a management command an operator runs), as in expire_request.
    if actor is not None and not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))


def schedule_meeting(*, actor: User, request: MeetingRequest, start: datetime) -> Meeting:
    """An organiser places an accepted request that has no meeting yet."""
    _ensure_organiser(actor)
    with transaction.atomic():
        request = lock_request(request)
        if request.status != RequestStatus.ACCEPTED:
            raise DomainError(_("Only an accepted request can be scheduled."))
        if Meeting.objects.filter(request=request).exists():
            raise DomainError(_("This request already has a meeting."))
        return _create_meeting(
            actor=actor, request=request, slot=free_slot_for_both(request, start)
        )


def move_meeting(*, actor: User, meeting: Meeting, start: datetime, reason: str = "") -> Meeting:
    """An organiser moves a scheduled meeting to another free slot; the reason they give goes
    into the history and into the e-mail to both sides."""
    _ensure_organiser(actor)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled meeting can be moved."))
        slot = free_slot_for_both(meeting.request, start)
        previous_start = meeting.starts_at
        meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
        meeting.sequence += 1
        try:
            with transaction.atomic():
                meeting.save(update_fields=["starts_at", "ends_at", "sequence", "updated_at"])
        except IntegrityError as exc:
            raise DomainError(
                _("Somebody took this slot a moment ago; please choose another.")
            ) from exc
        data = {"starts_at": from_to(previous_start, meeting.starts_at)}
        if reason:
            data["reason"] = reason
        log_action(actor=actor, obj=meeting, action=LogAction.MOVE, data=data)
        notifications.meeting_moved(meeting, previous_start, reason=reason)
    return meeting


def _set_status(
    meeting: Meeting, *, actor: User, to: str, action: LogAction, note: str = ""
) -> None:
    from_status = meeting.status
    ensure_meeting_transition(from_status, to)
    meeting.status = to
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    data = {"status": from_to(from_status, to)}
    if note:
        data["note"] = note
    log_action(actor=actor, obj=meeting, action=action, data=data)


def in_time_to_cancel(side: Side | None, meeting: Meeting) -> bool:
    """Either side may call off its meeting until it begins; after that what happened is for the
    outcome to say (held, no-show), not a cancellation sent to calendars after the fact.
    Organisers may still correct it. The request page offers the form by the same answer."""
    return side == Side.ORGANISER or meeting.starts_at > timezone.now()


def cancel_meeting(*, actor: User, meeting: Meeting, reason: str = "") -> Meeting:
    """Either side or an organiser calls off a meeting; its request is cancelled with it. Both
    sides get a calendar CANCEL with the reason given, which the history keeps too."""
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        side = side_of(actor, meeting.request)
        if side not in (Side.TANDEM, Side.INSTITUTION, Side.ORGANISER):
            raise DomainError(_("You cannot do this for this meeting."))
        if not in_time_to_cancel(side, meeting):
            raise DomainError(
                _("A meeting that has begun can no longer be cancelled; tell the organisers.")
            )
        _set_status(
            meeting, actor=actor, to=MeetingStatus.CANCELLED, action=LogAction.CANCEL, note=reason
        )
        notifications.meeting_cancelled(meeting, reason=reason, by=side)
        request = MeetingRequest.objects.select_for_update().get(pk=meeting.request_id)
        change_request_status(
            request, actor=actor, to=RequestStatus.CANCELLED, action=LogAction.CANCEL, note=reason
        )
    return meeting


def _mark(meeting: Meeting, *, actor: User, to: str, action: LogAction) -> Meeting:
    _ensure_organiser(actor)
    with transaction.atomic():
        meeting = lock_meeting(meeting)
        if meeting.starts_at > timezone.now():
            raise DomainError(_("A meeting can only be marked after it has started."))
        _set_status(meeting, actor=actor, to=to, action=action)
    return meeting


def mark_from_answer(*, actor: User, meeting: Meeting, held: bool) -> bool:
    """Inside the transaction of a side's answer (``services.outcomes``), with the meeting
    locked: the first answer marks a meeting that is still scheduled, as an organiser's mark
    would (held, or no-show when that side says the other did not come). A meeting already
    marked, by an organiser or by the other side's earlier answer, keeps its status: it moves
    once. Returns whether it marked."""
    if meeting.status != MeetingStatus.SCHEDULED:
        return False
    to, action = (
        (MeetingStatus.HELD, LogAction.HELD) if held else (MeetingStatus.NO_SHOW, LogAction.NO_SHOW)
    )
    _set_status(meeting, actor=actor, to=to, action=action)
    return True


def mark_meeting_held(*, actor: User, meeting: Meeting) -> Meeting:
    return _mark(meeting, actor=actor, to=MeetingStatus.HELD, action=LogAction.HELD)


def mark_meeting_no_show(*, actor: User, meeting: Meeting) -> Meeting:
    return _mark(meeting, actor=actor, to=MeetingStatus.NO_SHOW, action=LogAction.NO_SHOW)
