"""Meeting requests as the dashboards and request pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import OPEN_REQUEST_STATUSES, LogAction, MeetingStatus, RequestStatus
from ..models import ActivityLog, Meeting, MeetingRequest, Tour
from .occupancy import LONG_TEXTS, occupancy
from .slots import SlotTime


def with_details(requests: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    return requests.select_related(
        "tandem", "institution", "tour", "meeting", "meeting__video_provider", "acted_by"
    ).prefetch_related("preferred_slots", "tandem__topics", "institution__topics")


def waiting_cards(requests: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    """The partner dashboard's cards of requests waiting for an answer: the asking tandem with
    its topics and summary, and the wished times; not the rest ``with_details`` reads."""
    return requests.select_related("tandem").prefetch_related("preferred_slots", "tandem__topics")


@dataclass
class RequestGroup:
    status: str
    label: str
    requests: list[MeetingRequest]


def requests_by_status(requests: QuerySet[MeetingRequest]) -> list[RequestGroup]:
    """The dashboards' lists: each request names the other side and its meeting's time; the
    sides' long texts, topics and wished times are not read for that."""
    rows = list(
        requests.select_related("tandem", "institution", "meeting").defer(
            *(f"{party}__{field}" for party, field in LONG_TEXTS)
        )
    )
    return [
        RequestGroup(status, label, [r for r in rows if r.status == status])
        for status, label in RequestStatus.choices
        if any(r.status == status for r in rows)
    ]


@dataclass(frozen=True)
class LastChange:
    """Who settled a request and when, with the reason they gave (declined or cancelled)."""

    by: str
    at: datetime
    reason: str


def last_change(request: MeetingRequest) -> LastChange | None:
    """For a request no longer pending: who made the last change (the account's name, never
    its e-mail address; the system when nobody did), when, and the reason given. A decline's
    reason is kept on the request; a cancellation's only in its history, read here once."""
    if request.status == RequestStatus.PENDING or request.acted_at is None:
        return None
    reason = request.decline_reason if request.status == RequestStatus.DECLINED else ""
    if request.status == RequestStatus.CANCELLED:
        cancelled = (
            ActivityLog.objects.about(request)
            .filter(action=LogAction.CANCEL)
            .order_by("-at", "-pk")
            .values_list("data", flat=True)
            .first()
        )
        reason = (cancelled or {}).get("note", "")
    by = str(request.acted_by) if request.acted_by_id else _("the system")
    return LastChange(by=by, at=request.acted_at, reason=reason)


def open_request_between(*, tandem_id: int, institution_id: int) -> MeetingRequest | None:
    """The pair's request still under way, if any: its pages lead to it instead of offering a
    second one, which the database would refuse (one open request per pair)."""
    return (
        MeetingRequest.objects.filter(
            tandem_id=tandem_id, institution_id=institution_id, status__in=OPEN_REQUEST_STATUSES
        )
        .select_related("meeting")
        .first()
    )


def coming_meeting(open_request: MeetingRequest | None) -> Meeting | None:
    """The pair's meeting still to come, if any, read from its open request (a scheduled
    meeting's request is accepted, and a pair has one open request at most): its pages say
    when they meet rather than only that a request is under way."""
    meeting = getattr(open_request, "meeting", None)
    if meeting and meeting.status == MeetingStatus.SCHEDULED and meeting.ends_at > timezone.now():
        return meeting
    return None


def free_slots_for(tour: Tour, *, tandem_id: int, institution_id: int) -> list[SlotTime]:
    """The tour's slots in which neither side is busy: what the request forms offer."""
    occupied = occupancy(
        tour, tandem_ids=[tandem_id], institution_ids=[institution_id], named=False
    )
    return occupied.free(tandem_id=tandem_id, institution_id=institution_id)
