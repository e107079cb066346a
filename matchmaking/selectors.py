"""Reads shared by several views, shaped so that the number of queries does not grow with data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.db.models import Q, QuerySet
from django.urls import reverse

from .enums import MeetingStatus, RequestStatus, TourStatus
from .models import Institution, Meeting, MeetingRequest, Session, Tandem, Tour, User
from .permissions import (
    institution_of,
    meetings_visible_to,
    sessions_visible_to,
    tandem_of,
)
from .slots import SlotTime, busy_slots, tour_slots
from .timezones import ViewerZones

SHOWN_MEETING_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.HELD)


def current_tour() -> Tour | None:
    """The tour the public page presents: the newest one that is not a draft."""
    return Tour.objects.exclude(status=TourStatus.DRAFT).order_by("-created_at").first()


def tour_for(user: User) -> Tour | None:
    """The tour a person works in: their tandem's, their institution's newest, or the public one."""
    tandem = tandem_of(user)
    if tandem is not None:
        return tandem.tour
    institution = institution_of(user)
    if institution is not None:
        tour = institution.tours.exclude(status=TourStatus.DRAFT).order_by("-created_at").first()
        if tour is not None:
            return tour
    return current_tour()


@dataclass
class ProgrammeDay:
    date: object
    sessions: list[Session]


def programme(tour: Tour, zones: ViewerZones) -> list[ProgrammeDay]:
    """The published sessions, grouped by their day in the viewer's zone."""
    sessions = (
        tour.sessions.filter(is_published=True)
        .select_related("host")
        .prefetch_related("speakers")
        .order_by("starts_at")
    )
    return [
        ProgrammeDay(day, list(items))
        for day, items in groupby(sessions, key=lambda s: s.starts_at.astimezone(zones.own).date())
    ]


def public_page(tour: Tour, zones: ViewerZones) -> dict:
    return {
        "tour": tour,
        "days": programme(tour, zones),
        "speakers": list(tour.speakers.select_related("institution")),
        "institutions": list(tour.institutions.order_by("name").only("name", "name_zh", "city")),
        "supporters": list(tour.supporters.all()),
    }


def with_details(requests: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    return requests.select_related("tandem", "institution", "tour", "meeting").prefetch_related(
        "preferred_slots", "tandem__topics", "institution__topics"
    )


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


def upcoming_meetings(user: User, now: datetime) -> list[Meeting]:
    return list(
        meetings_visible_to(user)
        .filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
        .select_related("tandem", "institution")
        .order_by("starts_at")
    )


def my_sessions(user: User) -> list[Session]:
    return list(sessions_visible_to(user).select_related("host").order_by("starts_at"))


def directory(
    tour: Tour, *, query: str = "", kind: str = "", city: str = "", topic: str = ""
) -> QuerySet[Institution]:
    """The institutions of a tour, searched in English, Chinese and German names and texts."""
    institutions = tour.institutions.prefetch_related("topics").order_by("name")
    if query:
        institutions = institutions.filter(
            Q(name__icontains=query)
            | Q(name_zh__icontains=query)
            | Q(description__icontains=query)
            | Q(description_zh__icontains=query)
            | Q(description_de__icontains=query)
            | Q(city__icontains=query)
        )
    if kind:
        institutions = institutions.filter(kind=kind)
    if city:
        institutions = institutions.filter(city=city)
    if topic:
        institutions = institutions.filter(topics__slug=topic)
    return institutions.distinct()


def cities(tour: Tour) -> list[str]:
    return list(
        tour.institutions.exclude(city="")
        .values_list("city", flat=True)
        .distinct()
        .order_by("city")
    )


def recommendation_candidates(tandem: Tandem) -> list[Institution]:
    """The tour's institutions the tandem has no open request with."""
    open_with = MeetingRequest.objects.filter(
        tandem=tandem, status__in=(RequestStatus.PENDING, RequestStatus.ACCEPTED)
    ).values("institution_id")
    return list(
        tandem.tour.institutions.exclude(pk__in=open_with)
        .prefetch_related("topics")
        .order_by("name")
    )


def free_slots_for(tour: Tour, *, tandem_id: int, institution_id: int) -> list[SlotTime]:
    """The tour's slots in which neither side is busy: what the request forms offer."""
    slots = tour_slots(tour)
    busy = busy_slots(tour, slots)
    taken = busy.tandem(tandem_id) | busy.institution(institution_id)
    return [s for s in slots if s.id not in taken]


@dataclass
class ScheduleItem:
    kind: str
    starts_at: datetime
    ends_at: datetime
    title: str
    video_url: str
    ics_url: str
    detail: Meeting | Session


def schedule_for(user: User) -> list[ScheduleItem]:
    """Meetings and sessions of the user in time order."""
    items = [
        ScheduleItem(
            "meeting",
            m.starts_at,
            m.ends_at,
            f"{m.tandem.name} ↔ {m.institution.name}",
            m.video_url,
            reverse("meeting_ics", args=[m.pk]),
            m,
        )
        for m in meetings_visible_to(user)
        .filter(status__in=SHOWN_MEETING_STATUSES)
        .select_related("tandem", "institution")
    ]
    items += [
        ScheduleItem(
            "session",
            s.starts_at,
            s.ends_at,
            s.title,
            s.video_url,
            reverse("session_ics", args=[s.pk]),
            s,
        )
        for s in sessions_visible_to(user)
    ]
    return sorted(items, key=lambda item: (item.starts_at, item.kind, item.title))


def meetings_for_calendar(user: User) -> QuerySet[Meeting]:
    """Every meeting with what its calendar entry needs: the message and all attendees."""
    return (
        meetings_visible_to(user)
        .select_related("request", "tandem", "institution")
        .prefetch_related("tandem__members__user", "institution__representatives__user")
    )
