"""The follow-up pipeline: contacts of a tour, their people, and the pipeline's filters and
counts per stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from ..enums import OPEN_FOLLOW_UP_STAGES, FollowUpStage, MeetingStatus, RequestStatus
from ..models import (
    FollowUp,
    Institution,
    Meeting,
    MeetingRequest,
    Participation,
    Tandem,
    Tour,
    User,
)


def contact_pairs(
    tour: Tour, *, tandem_id: int | None = None, institution_id: int | None = None
) -> set[tuple[int, int]]:
    """(tandem id, institution id) of the tour's contacts: the pairs that have a meeting that
    was not cancelled, or an accepted request still waiting for its meeting."""
    mine = Q()
    if tandem_id is not None:
        mine &= Q(tandem_id=tandem_id)
    if institution_id is not None:
        mine &= Q(institution_id=institution_id)
    met = Meeting.objects.filter(mine, tour=tour).exclude(status=MeetingStatus.CANCELLED)
    accepted = MeetingRequest.objects.filter(mine, tour=tour, status=RequestStatus.ACCEPTED)
    return {
        *met.values_list("tandem_id", "institution_id"),
        *accepted.values_list("tandem_id", "institution_id"),
    }


def counterparts(tour: Tour, role: Participation) -> QuerySet[Tandem] | QuerySet[Institution]:
    """The other side of each contact of the person's party: institutions for a tandem
    member, tandems for a representative."""
    if role.tandem_id is not None:
        pairs = contact_pairs(tour, tandem_id=role.tandem_id)
        return Institution.objects.filter(pk__in=[i for _, i in pairs]).order_by("name_en")
    pairs = contact_pairs(tour, institution_id=role.institution_id)
    return Tandem.objects.filter(pk__in=[t for t, _ in pairs]).order_by("name")


def contact_people(tour: Tour, *, tandem_id: int, institution_id: int) -> QuerySet[User]:
    """Who may own a contact's follow-up: the tandem's members and the institution's
    representatives in the tour."""
    return User.objects.filter(
        Q(participations__tandem_id=tandem_id)
        | Q(participations__institution_id=institution_id, participations__tour=tour),
        is_active=True,
    ).distinct()


def owner_choices(tour: Tour, role: Participation) -> QuerySet[User]:
    """Everyone who may own a follow-up of the party's contacts: its own people and those of
    each counterpart."""
    pairs = contact_pairs(
        tour,
        tandem_id=role.tandem_id,
        institution_id=None if role.tandem_id is not None else role.institution_id,
    )
    party = (
        Q(participations__tandem_id=role.tandem_id)
        if role.tandem_id is not None
        else Q(participations__institution_id=role.institution_id, participations__tour=tour)
    )
    others = Q(participations__tandem_id__in=[t for t, _ in pairs]) | Q(
        participations__institution_id__in=[i for _, i in pairs], participations__tour=tour
    )
    return User.objects.filter(party | others, is_active=True).distinct().order_by("email")


def is_overdue(follow_up: FollowUp, today: date) -> bool:
    return follow_up.stage in OPEN_FOLLOW_UP_STAGES and follow_up.due_on < today


def overdue_filter(today: date) -> Q:
    return Q(stage__in=OPEN_FOLLOW_UP_STAGES, due_on__lt=today)


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


def pipeline(
    follow_ups: QuerySet[FollowUp], *, today: date, stage: str = "", overdue: bool = False
) -> QuerySet[FollowUp]:
    """The follow-ups as the pipeline lists them: by stage, only those overdue, soonest due
    first, with everything a row shows in the same query."""
    if stage:
        follow_ups = follow_ups.filter(stage=stage)
    if overdue:
        follow_ups = follow_ups.filter(overdue_filter(today))
    return (
        follow_ups.select_related("tour", "tandem", "institution", "owner")
        .annotate(note_count=Count("notes"))
        .order_by("due_on", "pk")
    )


def stage_counts(follow_ups: QuerySet[FollowUp]) -> list[StageCount]:
    """How many follow-ups stand at each stage (every stage, zero included), in one query."""
    counted = dict(follow_ups.order_by().values_list("stage").annotate(n=Count("pk")))
    return [
        StageCount(stage, label, counted.get(stage, 0)) for stage, label in FollowUpStage.choices
    ]
