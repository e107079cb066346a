"""The tour a page presents, and its public programme."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from ..enums import TourStatus
from ..models import Session, Tour
from ..models.languages import localized
from ..timezones import ViewerZones


def current_tour() -> Tour | None:
    """The tour the public page presents: the newest one that is not a draft."""
    return Tour.objects.exclude(status=TourStatus.DRAFT).order_by("-created_at").first()


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
        "institutions": list(
            tour.institutions.order_by("name_en").only(*localized("name"), *localized("city"))
        ),
        "supporters": list(tour.supporters.all()),
    }
