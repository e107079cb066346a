"""A person's meetings and sessions: dashboards, the schedule page and calendar files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from ..enums import MeetingStatus
from ..models import Meeting, Participation, Session, Tour, User
from ..permissions import meetings_visible_to, sessions_visible_to

SHOWN_MEETING_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.HELD)


def upcoming_meetings(user: User, tour: Tour, now: datetime) -> list[Meeting]:
    return list(
        meetings_visible_to(user, tour)
        .filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now)
        .select_related("tandem", "institution")
        .order_by("starts_at")
    )


def my_sessions(user: User, tour: Tour) -> list[Session]:
    return list(sessions_visible_to(user, tour).select_related("host").order_by("starts_at"))


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
        for m in meetings_visible_to(user, tour)
        .filter(status__in=SHOWN_MEETING_STATUSES)
        .select_related("tandem", "institution", "video_provider")
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
        for s in sessions_visible_to(user, tour)
    ]
    return sorted(items, key=lambda item: (item.starts_at, item.kind, item.title))


def meetings_for_calendar(tour: Tour) -> QuerySet[Meeting]:
    """The tour's meetings with what a calendar entry needs: the message and all attendees
    (the institution's representatives in this tour only)."""
    return (
        Meeting.objects.filter(tour=tour)
        .select_related("request", "tandem", "institution", "tour", "video_provider")
        .prefetch_related(
            "tandem__members__user",
            Prefetch(
                "institution__representatives",
                queryset=Participation.objects.filter(tour=tour).select_related("user"),
            ),
        )
    )
