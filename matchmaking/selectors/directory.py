"""The directory of a tour's institutions and what it can be filtered by."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Institution, Tour, User
from ..models.languages import localized
from ..models.search import normalise
from ..permissions import institutions_visible_to


def directory(
    viewer: User,
    tour: Tour,
    *,
    query: str = "",
    kind: str = "",
    city: str = "",
    topic: str = "",
) -> QuerySet[Institution]:
    """The institutions of a tour the viewer may see (their people agreed to be shown across the
    border: permissions.shown_across) found by any of their names, places or topics in any
    language (models/search.py), by kind, by city (its English name) and by topic."""
    institutions = (
        institutions_visible_to(viewer, tour)
        .filter(tours=tour)
        .prefetch_related("topics")
        .order_by("name_en")
    )
    if query:
        # The same normal form on both sides; nothing but accents or spaces finds nothing.
        key = normalise(query)
        institutions = (
            institutions.filter(search_text__contains=key) if key else institutions.none()
        )
    if kind:
        institutions = institutions.filter(kind=kind)
    if city:
        institutions = institutions.filter(city_en=city)
    if topic:
        institutions = institutions.filter(topics__slug=topic)
    return institutions.distinct()


def cities(viewer: User, tour: Tour) -> list[tuple[str, str]]:
    """Each city of the tour's institutions the viewer sees, once: its English name, which the
    filter sends, and its name in the reader's language."""
    shown = institutions_visible_to(viewer, tour).filter(tours=tour).exclude(city_en="")
    places = {i.city_en: i.city for i in shown.only("pk", *localized("city"))}
    return sorted(places.items(), key=lambda place: place[1])
