"""Meeting requests as the dashboards and request pages show them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from ..enums import OPEN_REQUEST_STATUSES, MeetingStatus, RequestStatus
from ..models import Meeting, MeetingRequest, Tour
from .occupancy import LONG_TEXTS, occupancy
from .slots import SlotTime


def with_details(requests: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    return requests.select_related(
        "tandem", "institution", "tour", "meeting", "meeting__video_provider"
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


def open_request_between(*, tandem_id: int, institution_id: int) -> MeetingRequest | None:
    """The pair's request still under way, if any: its pages lead to it instead of offering a
    second one, which the database would refuse (one open request per pair)."""
    return MeetingRequest.objects.filter(
        tandem_id=tandem_id, institution_id=institution_id, status__in=OPEN_REQUEST_STATUSES
    ).first()


def coming_meeting_between(*, tandem_id: int, institution_id: int) -> Meeting | None:
    """The pair's meeting still to come, if any: its pages say when they meet rather than
    only that a request is under way."""
    return (
        Meeting.objects.filter(
            tandem_id=tandem_id,
            institution_id=institution_id,
            status=MeetingStatus.SCHEDULED,
            ends_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )


def free_slots_for(tour: Tour, *, tandem_id: int, institution_id: int) -> list[SlotTime]:
    """The tour's slots in which neither side is busy: what the request forms offer."""
    occupied = occupancy(
        tour, tandem_ids=[tandem_id], institution_ids=[institution_id], named=False
    )
    return occupied.free(tandem_id=tandem_id, institution_id=institution_id)
