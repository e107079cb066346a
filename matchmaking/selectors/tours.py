"""The tour a page presents, and its public programme."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from itertools import groupby

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject

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
    """What the public page shows, each list read only when the page renders it: the page
    keeps its rendered programme in the cache (``public_page_version``), so most visitors
    cause no query for them."""
    return {
        "tour": tour,
        "public_page_version": public_page_version(),
        "public_page_seconds": PUBLIC_PAGE_SECONDS,
        "days": SimpleLazyObject(lambda: programme(tour, zones)),
        "speakers": SimpleLazyObject(lambda: list(tour.speakers.select_related("institution"))),
        "institutions": SimpleLazyObject(
            lambda: list(
                tour.institutions.order_by("name_en").only(*localized("name"), *localized("city"))
            )
        ),
        "supporters": SimpleLazyObject(lambda: list(tour.supporters.all())),
    }


# The public page's programme, speakers, institutions and supporters are the same for every
# visitor who reads it in the same language and zones; they are rendered once and kept under this
# version, which changes whenever one of the rows they show changes (``forget_public_page``).
# PUBLIC_PAGE_SECONDS bounds how long a change that bypasses the signals (a queryset update, or
# another process's change while Redis is away) can stay unseen.
PUBLIC_PAGE_VERSION_KEY = "public-page:version"
PUBLIC_PAGE_SECONDS = 120


def public_page_version() -> str:
    version = cache.get(PUBLIC_PAGE_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(PUBLIC_PAGE_VERSION_KEY, version, None)
    return version


def forget_public_page(**_signal) -> None:
    """A row the public page shows changed: the next visitor renders it afresh. Once at once
    (this process reads its own change) and again after the commit, so a page rendered from the
    old rows by another process meanwhile is not kept under the new version."""
    cache.set(PUBLIC_PAGE_VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(PUBLIC_PAGE_VERSION_KEY, uuid.uuid4().hex, None))
