"""Meeting requests as the dashboards and request pages show them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ..enums import RequestStatus
from ..models import Institution, MeetingRequest, Tandem, Tour
from ..models.languages import localized
from ..permissions import shown_across
from .occupancy import occupancy
from .slots import SlotTime


def with_details(requests: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    return requests.select_related(
        "tandem", "institution", "tour", "meeting", "meeting__video_provider"
    ).prefetch_related("preferred_slots", "tandem__topics", "institution__topics")


@dataclass
class RequestGroup:
    status: str
    label: str
    requests: list[MeetingRequest]


def requests_by_status(requests: QuerySet[MeetingRequest]) -> list[RequestGroup]:
    rows = list(with_details(requests))
    return [
        RequestGroup(status, label, [r for r in rows if r.status == status])
        for status, label in RequestStatus.choices
        if any(r.status == status for r in rows)
    ]


def recommendation_candidates(tandem: Tandem) -> list[Institution]:
    """The tour's institutions the tandem has no open request with, of those shown across the
    border."""
    open_with = MeetingRequest.objects.filter(
        tandem=tandem, status__in=(RequestStatus.PENDING, RequestStatus.ACCEPTED)
    ).values("institution_id")
    # Ranked by topics and kind and shown by name: the long descriptions stay in the database.
    return list(
        shown_across(tandem.tour.institutions.all(), tandem.tour)
        .exclude(pk__in=open_with)
        .defer("description", *localized("description"), "search_text")
        .prefetch_related("topics")
        .order_by("name_en")
    )


def free_slots_for(tour: Tour, *, tandem_id: int, institution_id: int) -> list[SlotTime]:
    """The tour's slots in which neither side is busy: what the request forms offer."""
    occupied = occupancy(tour, tandem_ids=[tandem_id], institution_ids=[institution_id])
    return occupied.free(tandem_id=tandem_id, institution_id=institution_id)
