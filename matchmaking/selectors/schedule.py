"""A person's meetings and sessions: dashboards, the schedule page and calendar files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse

from ..enums import MeetingStatus
from ..models import Meeting, Session, Tour, User
from ..models.languages import localized
from ..permissions import meetings_visible_to, sessions_of_party, sessions_visible_to
from ..timezones import by_day, zones_for
from .occupancy import LONG_TEXTS

SHOWN_MEETING_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.HELD)


def upcoming_meetings(user: User, tour: Tour, now: datetime) -> list[Meeting]:
    return list(
        meetings_visible_to(user, tour)
        .filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
        .select_related("tandem", "institution")
        .defer(*(f"{party}__{field}" for party, field in LONG_TEXTS))
        .order_by("starts_at")
    )


def my_sessions(user: User, tour: Tour) -> list[Session]:
    """The dashboards' list: title, kind and time; nothing else is read (a party takes part in
    dozens of sessions at ten times the demo)."""
    return list(
        sessions_visible_to(user, tour)
        .only("tour_id", "kind", "starts_at", "ends_at", "title", *localized("title"))
        .order_by("starts_at")
    )


@dataclass
class ScheduleItem:
    kind: str
    starts_at: datetime
    ends_at: datetime
    title: str
    video_url: str
    ics_url: str
    detail: Meeting | Session


def schedule_for(user: User, tour: Tour | None) -> list[ScheduleItem]:
    """Meetings and sessions of the user in the tour, in time order."""
    return _items(meetings_visible_to(user, tour), sessions_visible_to(user, tour))


def agenda(
    tour: Tour, *, tandem_id: int | None = None, institution_id: int | None = None
) -> list[ScheduleItem]:
    """The tour's agenda for the organisers: every scheduled or held meeting and published
    session, or those of one tandem or institution (its own schedule, seen from outside)."""
    meetings = Meeting.objects.filter(tour=tour)
    if tandem_id is not None:
        meetings = meetings.filter(tandem_id=tandem_id)
    if institution_id is not None:
        meetings = meetings.filter(institution_id=institution_id)
    sessions = sessions_of_party(
        Session.objects.filter(tour=tour, is_published=True),
        tandem_id=tandem_id,
        institution_id=institution_id,
    )
    return _items(meetings, sessions.select_related("host"))


def _items(meetings: QuerySet[Meeting], sessions: QuerySet[Session]) -> list[ScheduleItem]:
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
        for m in meetings.filter(status__in=SHOWN_MEETING_STATUSES)
        .select_related("tandem", "institution", "video_provider")
        .defer(*(f"{party}__{field}" for party, field in LONG_TEXTS))
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
        for s in sessions.defer("description", *localized("description"))
    ]
    return sorted(items, key=lambda item: (item.starts_at, item.kind, item.title))


def meetings_for_calendar(tour: Tour) -> QuerySet[Meeting]:
    """The tour's meetings with what a calendar entry needs: the message, the parties' names
    and the video provider."""
    return Meeting.objects.filter(tour=tour).select_related(
        "request", "tandem", "institution", "tour", "video_provider"
    )


def personal_agenda(person: User, tour: Tour) -> dict:
    """A participant's printable agenda: their schedule (``schedule_for``) by day in their own
    zone, the other side's home zone beside each time. Organisers open it from the admin, the
    participant from "My schedule"; the page is written in the participant's language."""
    zones = zones_for(person, tour)
    return {
        "person": person,
        "tour": tour,
        "days": by_day(schedule_for(person, tour), zones),
        "viewer_zones": zones,
        "language": person.language,
    }
