"""The directory of a tour's institutions and what it can be filtered by."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import Institution, Tour


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
