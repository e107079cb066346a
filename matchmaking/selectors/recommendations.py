"""Which institutions fit a tandem: shared topics count most, then what the tandem seeks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..enums import InstitutionKind, Seeking
from ..models import Institution, Tandem, Topic

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
            names = ", ".join(t.name for t in self.shared_topics)
            parts.append(_("shares: %(topics)s") % {"topics": names})
        if self.fitting_seeks:
            labels = ", ".join(str(Seeking(s).label) for s in self.fitting_seeks)
            parts.append(_("can offer what you seek: %(seeks)s") % {"seeks": labels})
        return "; ".join(parts)


def recommend(
    tandem: Tandem, institutions: Iterable[Institution], *, limit: int = 5
) -> list[Recommendation]:
    """Institutions ranked by fit (ties by name); those that fit in no way are left out.
    ``institutions`` should come with their topics prefetched."""
    tandem_topics = {t.pk: t for t in tandem.topics.all()}
    seeks = [s for s in tandem.seeks if s in SEEKING_FITS]
    found = []
    for institution in institutions:
        shared = sorted(
            (t for t in institution.topics.all() if t.pk in tandem_topics), key=lambda t: t.name
        )
        fitting = [s for s in seeks if institution.kind in SEEKING_FITS[s]]
        score = TOPIC_WEIGHT * len(shared) + SEEKING_WEIGHT * len(fitting)
        if score:
            found.append(Recommendation(institution, score, shared, fitting))
    found.sort(key=lambda r: (-r.score, r.institution.name))
    return found[:limit]
