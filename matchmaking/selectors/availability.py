"""Whose availability a person manages, and the grid of slots shown to them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from ..enums import MeetingStatus, RequestStatus
from ..models import BlockedSlot, Institution, Meeting, MeetingRequest, Session, Tandem, Tour, User
from ..permissions import institution_of, sessions_visible_to, tandem_of
from .slots import SlotTime, tour_slots


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

    @property
    def lookup(self) -> dict:
        """Filter for rows that carry a tandem and an institution (blocked slots, meetings…)."""
        return {"tandem": self.tandem} if self.tandem else {"institution": self.institution}

    def lock(self) -> None:
        """Row lock, so two people of one tandem or institution saving at once take turns."""
        model = Tandem if self.tandem else Institution
        model.objects.select_for_update().filter(pk=self.pk).exists()


def party_of(user: User) -> Party | None:
    tandem = tandem_of(user)
    if tandem is not None:
        return Party(tandem=tandem)
    institution = institution_of(user)
    return Party(institution=institution) if institution is not None else None


def scheduled_meetings(party: Party, tour: Tour) -> QuerySet[Meeting]:
    return Meeting.objects.filter(tour=tour, status=MeetingStatus.SCHEDULED, **party.lookup)


def overlaps(slot: SlotTime, starts_at, ends_at) -> bool:
    return slot.starts_at < ends_at and slot.ends_at > starts_at


@dataclass
class GridRow:
    slot: SlotTime
    unavailable: bool = False
    meeting: Meeting | None = None
    sessions: list[Session] = field(default_factory=list)


def availability_grid(user: User, party: Party, tour: Tour) -> list[list[GridRow]]:
    """The tour's slots day by day, with what the party already has in each of them."""
    slots = tour_slots(tour)
    blocked = set(
        BlockedSlot.objects.filter(tour=tour, **party.lookup).values_list("starts_at", flat=True)
    )
    meetings = list(scheduled_meetings(party, tour).select_related("tandem", "institution"))
    sessions = list(sessions_visible_to(user).filter(tour=tour))
    days: defaultdict[int, list[GridRow]] = defaultdict(list)
    for slot in slots:
        days[slot.day].append(
            GridRow(
                slot=slot,
                unavailable=slot.starts_at in blocked,
                meeting=next((m for m in meetings if overlaps(slot, m.starts_at, m.ends_at)), None),
                sessions=[s for s in sessions if overlaps(slot, s.starts_at, s.ends_at)],
            )
        )
    return [days[day] for day in sorted(days)]


def waiting_requests(party: Party, tour: Tour) -> QuerySet[MeetingRequest]:
    """Accepted requests of the party that have no meeting yet, each with its reason."""
    return MeetingRequest.objects.filter(
        tour=tour, status=RequestStatus.ACCEPTED, meeting__isnull=True, **party.lookup
    ).select_related("tandem", "institution")
