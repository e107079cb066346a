"""Which institutions fit a tandem: shared topics count most, then what the tandem seeks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, prefetch_related_objects
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from ..enums import OPEN_REQUEST_STATUSES, InstitutionKind, Seeking
from ..models import Institution, MeetingRequest, Tandem, Topic
from ..models.languages import LANGUAGE_CODES, localized
from ..permissions import shown_across
from ..wording import listed

# The kinds of institution that can give what a tandem seeks.
SEEKING_FITS: dict[str, frozenset[str]] = {
    Seeking.RD_COOPERATION: frozenset(
        {InstitutionKind.UNIVERSITY, InstitutionKind.RESEARCH_INSTITUTE, InstitutionKind.COMPANY}
    ),
    Seeking.INVESTMENT: frozenset({InstitutionKind.INVESTOR}),
    Seeking.PILOT_SITE: frozenset({InstitutionKind.HOSPITAL, InstitutionKind.GOVERNMENT}),
    Seeking.MARKET_ENTRY: frozenset(
        {InstitutionKind.COMPANY, InstitutionKind.ASSOCIATION, InstitutionKind.GOVERNMENT}
    ),
    Seeking.CLINICAL_DATA: frozenset(
        {InstitutionKind.HOSPITAL, InstitutionKind.RESEARCH_INSTITUTE}
    ),
    Seeking.MANUFACTURING: frozenset({InstitutionKind.COMPANY}),
}
TOPIC_WEIGHT = 2
SEEKING_WEIGHT = 1


@dataclass
class Recommendation:
    institution: Institution
    score: int
    shared_topics: list[Topic]
    fitting_seeks: list[str]

    @property
    def reason(self) -> str:
        parts = []
        if self.shared_topics:
            names = listed(t.name for t in self.shared_topics)
            parts.append(_("shares: %(topics)s") % {"topics": names})
        if self.fitting_seeks:
            labels = listed(Seeking(s).label for s in self.fitting_seeks)
            parts.append(_("can offer what you seek: %(seeks)s") % {"seeks": labels})
        return pgettext("between the reasons of a recommendation", "; ").join(parts)


def recommend(
    tandem: Tandem, institutions: Iterable[Institution], *, limit: int = 5
) -> list[Recommendation]:
    """Institutions ranked by fit (ties by name); those that fit in no way are left out.
    ``institutions`` should come with their topics prefetched."""
    tandem_topics = {t.pk: t for t in tandem.topics.all()}
    found = []
    for institution in institutions:
        shared = sorted(
            (t for t in institution.topics.all() if t.pk in tandem_topics), key=lambda t: t.name
        )
        fitting = _fitting(tandem, institution.kind)
        score = _score(len(shared), fitting)
        if score:
            found.append(Recommendation(institution, score, shared, fitting))
    found.sort(key=lambda r: (-r.score, r.institution.name))
    return found[:limit]


def _fitting(tandem: Tandem, kind: str) -> list[str]:
    return [s for s in tandem.seeks if s in SEEKING_FITS and kind in SEEKING_FITS[s]]


def _score(shared_topics: int, fitting: list[str]) -> int:
    return TOPIC_WEIGHT * shared_topics + SEEKING_WEIGHT * len(fitting)


def recommendations_for(tandem: Tandem, *, limit: int = 5) -> list[Recommendation]:
    """``recommend`` over the tour's institutions the tandem has no open request with (of
    those shown across the border), in a constant number of small queries: every candidate is
    ranked from its id, kind, names and the topics it shares with the tandem (tuples, not
    objects); only the best ``limit`` are then read whole, with their topics, to show them."""
    prefetch_related_objects([tandem], "topics")
    tandem_topics = [t.pk for t in tandem.topics.all()]
    open_with = MeetingRequest.objects.filter(
        tandem=tandem, status__in=OPEN_REQUEST_STATUSES
    ).values("institution_id")
    # Only institutions whose people agreed to be shown across the border (permissions).
    candidates = shown_across(tandem.tour.institutions.all(), tandem.tour).exclude(pk__in=open_with)
    # Each candidate with the number of topics it shares with the tandem, in the same query.
    shared = Count("topics", filter=Q(topics__in=tandem_topics))
    # The name each reader sees: their language's, else the English one (as modeltranslation).
    language = get_language() or "en"
    position = LANGUAGE_CODES.index(language) if language in LANGUAGE_CODES else 0
    ranked = []
    rows = candidates.annotate(shared=shared).values_list(
        "pk", "kind", "shared", *localized("name")
    )
    for pk, kind, shared_topics, *names in rows:
        score = _score(shared_topics, _fitting(tandem, kind))
        if score:
            ranked.append((-score, names[position] or names[0], pk))
    best = [pk for _score_, _name, pk in sorted(ranked)[:limit]]
    institutions = (
        Institution.objects.filter(pk__in=best)
        .defer("description", *localized("description"), "search_text")
        .prefetch_related("topics")
    )
    return recommend(tandem, institutions, limit=limit)
