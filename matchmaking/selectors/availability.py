"""Whose availability a person manages, and the grid of slots shown to them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from ..enums import RequestStatus
from ..models import Institution, Meeting, MeetingRequest, Session, Tandem, Tour, User
from ..permissions import institution_of, tandem_of
from .occupancy import Cause, Occupancy, occupancy
from .slots import SlotTime


@dataclass(frozen=True)
class Party:
    """The tandem or the institution a person speaks for when marking slots unavailable."""

    tandem: Tandem | None = None
    institution: Institution | None = None

    @property
    def pk(self) -> int:
        return self.tandem.pk if self.tandem else self.institution.pk

    @property
    def name(self) -> str:
        return str(self.tandem or self.institution)

    @property
    def is_tandem(self) -> bool:
        return self.tandem is not None

    def takes_part_in(self, tour_id: int) -> bool:
        """A tandem belongs to one tour; an institution takes part in the tours it is in."""
        if self.tandem:
            return self.tandem.tour_id == tour_id
        return self.institution.tours.filter(pk=tour_id).exists()

    @property
    def ids(self) -> dict:
        """The party as the answers of an ``Occupancy`` take it."""
        return {"tandem_id": self.pk} if self.tandem else {"institution_id": self.pk}

    def occupancy(self, tour: Tour, *, slots: list[SlotTime] | None = None) -> Occupancy:
        """Who is busy when, read for this party only."""
        if self.tandem:
            return occupancy(tour, slots=slots, tandem_ids=[self.pk])
        return occupancy(tour, slots=slots, institution_ids=[self.pk])

    @property
    def lookup(self) -> dict:
        """Filter for rows that carry a tandem and an institution (blocked slots, meetings…)."""
        return {"tandem": self.tandem} if self.tandem else {"institution": self.institution}


def party_of(user: User, tour: Tour | None) -> Party | None:
    """The party the person speaks for in the tour."""
    tandem = tandem_of(user, tour)
    if tandem is not None:
        return Party(tandem=tandem)
    institution = institution_of(user, tour)
    return Party(institution=institution) if institution is not None else None


@dataclass
class GridRow:
    slot: SlotTime
    unavailable: bool = False
    meeting: Meeting | None = None
    sessions: list[Session] = field(default_factory=list)


def availability_grid(party: Party, tour: Tour) -> list[list[GridRow]]:
    """The tour's slots day by day, with what the party already has in each of them."""
    occupied = party.occupancy(tour)
    held = occupied.in_slots(**party.ids)
    days: defaultdict[int, list[GridRow]] = defaultdict(list)
    for slot in occupied.slots:
        engagements = held.get(slot.id, [])
        days[slot.day].append(
            GridRow(
                slot=slot,
                unavailable=any(e.cause == Cause.UNAVAILABLE for e in engagements),
                meeting=next((e.meeting for e in engagements if e.meeting), None),
                sessions=[e.session for e in engagements if e.session],
            )
        )
    return [days[day] for day in sorted(days)]


def waiting_requests(party: Party, tour: Tour) -> QuerySet[MeetingRequest]:
    """Accepted requests of the party that have no meeting yet, each with its reason."""
    return MeetingRequest.objects.filter(
        tour=tour, status=RequestStatus.ACCEPTED, meeting__isnull=True, **party.lookup
    ).select_related("tandem", "institution")
