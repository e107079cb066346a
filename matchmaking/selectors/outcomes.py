"""Outcomes of meetings as the pages show them: a side's meetings that wait for its answer (the
dashboards), and both sides' answers next to each other for the organisers, with where they
differ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery

from ..enums import Attendance, MeetingStatus, Party, TourStatus
from ..models import Meeting, MeetingOutcome, Tour, User
from ..permissions import meetings_visible_to, role_in


@dataclass
class MeetingToAnswer:
    meeting: Meeting
    answer: MeetingOutcome | None


def meetings_to_answer(user: User, tour: Tour | None, now: datetime) -> list[MeetingToAnswer]:
    """The party's meetings that have started and were not cancelled, each with the answer of
    the user's side (None: not given yet), those without an answer first. Empty once the tour
    is finished. Two queries."""
    role = role_in(user, tour)
    if role is None or tour.status == TourStatus.FINISHED:
        return []
    side = Party.TANDEM if role.tandem_id is not None else Party.INSTITUTION
    meetings = (
        meetings_visible_to(user, tour)
        .filter(starts_at__lte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("tandem", "institution")
        .prefetch_related(
            Prefetch("outcomes", queryset=MeetingOutcome.objects.filter(side=side), to_attr="own")
        )
        .order_by("-starts_at")
    )
    rows = [MeetingToAnswer(m, m.own[0] if m.own else None) for m in meetings]
    return sorted(rows, key=lambda row: row.answer is not None)


def _answer(side: str, field: str) -> Subquery:
    return Subquery(
        MeetingOutcome.objects.filter(meeting=OuterRef("pk"), side=side).values(field)[:1]
    )


def with_answers(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each meeting with both sides' answers: ``tandem_attendance``, ``tandem_result``,
    ``institution_attendance``, ``institution_result`` (None where a side has not answered)."""
    return meetings.annotate(
        tandem_attendance=_answer(Party.TANDEM, "attendance"),
        tandem_result=_answer(Party.TANDEM, "result"),
        institution_attendance=_answer(Party.INSTITUTION, "attendance"),
        institution_result=_answer(Party.INSTITUTION, "result"),
    )


# On meetings ``with_answers``. The sides differ when both answered and not alike: one says it
# took place and the other that it did not, they name different results, or each says the
# other did not come.
BOTH_ANSWERED = Q(tandem_attendance__isnull=False, institution_attendance__isnull=False)
SIDES_DIFFER = BOTH_ANSWERED & (
    ~Q(tandem_attendance=F("institution_attendance"))
    | ~Q(tandem_result=F("institution_result"))
    | Q(tandem_attendance=Attendance.NO_SHOW)
)
AGREEMENT = {
    "differ": SIDES_DIFFER,
    "agree": BOTH_ANSWERED & ~SIDES_DIFFER,
    "one_side": Q(tandem_attendance__isnull=True) ^ Q(institution_attendance__isnull=True),
    "none": Q(tandem_attendance__isnull=True, institution_attendance__isnull=True),
}
