"""The directory of a tour's institutions and what it can be filtered by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from ..enums import InstitutionKind
from ..models import Institution, Tandem, Tour, User
from ..models.languages import as_read
from ..models.search import normalise
from ..permissions import institutions_visible_to
from ..wording import listed


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
    institutions = institutions_visible_to(viewer, tour).filter(tours=tour).order_by("name_en")
    if query:
        # Every word typed must be found somewhere (a name, a place, a topic: "Tsinghua
        # Shenzhen"), each in the same normal form as the stored text; nothing but accents or
        # spaces finds nothing.
        words = [key for key in map(normalise, query.split()) if key]
        if not words:
            institutions = institutions.none()
        for word in words:
            institutions = institutions.filter(search_text__contains=word)
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
    rows = shown.order_by().values_list("city_en", as_read("city")).distinct()
    places = dict(rows)
    return sorted(places.items(), key=lambda place: place[1])


# The long lists (directory, tandem list) show a few fields of many rows: read as values in the
# reader's language, since building every row's model with all its languages cost most of the page.


@dataclass(frozen=True)
class TandemCard:
    pk: int
    name: str
    project_title: str
    topics: str  # their names in the reader's language, joined


@dataclass(frozen=True)
class InstitutionCard:
    pk: int
    name: str
    name_zh_hans: str  # for ``chinese_name``
    kind_label: str
    city: str
    topics: str


def tandem_cards(tandems: QuerySet[Tandem]) -> list[TandemCard]:
    rows = list(tandems.values("pk", "name", title=as_read("project_title")))
    topics = _topic_names(Tandem, "tandem_id", [row["pk"] for row in rows])
    return [
        TandemCard(row["pk"], row["name"], row["title"], topics.get(row["pk"], "")) for row in rows
    ]


def institution_cards(institutions: QuerySet[Institution]) -> list[InstitutionCard]:
    """Cards of ``institutions`` (may be a page of them), in their order."""
    rows = list(
        institutions.values(
            "pk", "kind", "name_zh_hans", shown_name=as_read("name"), shown_city=as_read("city")
        )
    )
    topics = _topic_names(Institution, "institution_id", [row["pk"] for row in rows])
    kinds = dict(InstitutionKind.choices)
    return [
        InstitutionCard(
            row["pk"],
            row["shown_name"],
            row["name_zh_hans"] or "",
            str(kinds.get(row["kind"], row["kind"])),
            row["shown_city"],
            topics.get(row["pk"], ""),
        )
        for row in rows
    ]


def _topic_names(model, owner: str, owner_ids: Iterable[int]) -> dict[int, str]:
    """Owner id → its topics' names in the reader's language, in the topics' order, joined."""
    names: dict[int, list[str]] = {}
    pairs = (
        model.topics.through.objects.filter(**{f"{owner}__in": list(owner_ids)})
        .order_by("topic__name_en", "topic_id")
        .values(owner, topic_name=as_read("name", "topic__"))
    )
    for row in pairs:
        names.setdefault(row[owner], []).append(row["topic_name"])
    return {pk: listed(shown) for pk, shown in names.items()}
