"""The tour's slots, cut from each day's meeting window (who is busy in them: ``occupancy``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models import Session, Tour


@dataclass(frozen=True)
class SlotTime:
    day: int
    index: int
    starts_at: datetime
    ends_at: datetime

    @property
    def id(self) -> str:
        return f"d{self.day}s{self.index}"


def tour_slots(tour: Tour) -> list[SlotTime]:
    """Every slot of every day, in time order; a trailing piece shorter than a slot is unused.

    A slot overlapping one of the day's breaks is left out, but its index stays taken, so the
    distance between two indexes remains the time between the slots (idle gaps count breaks).
    """
    length = timedelta(minutes=tour.slot_minutes)
    slots = []
    days = tour.days.order_by("date").prefetch_related("breaks")
    for day_number, day in enumerate(days):
        breaks = [(b.starts_at, b.ends_at) for b in day.breaks.all()]
        start, index = day.window_start, 0
        while start + length <= day.window_end:
            end = start + length
            if not any(b_start < end and b_end > start for b_start, b_end in breaks):
                slots.append(SlotTime(day_number, index, start, end))
            start, index = end, index + 1
    return slots


def published_sessions(tour: Tour):
    """The tour's published sessions, ready for ``session_parties``."""
    return Session.objects.filter(tour=tour, is_published=True).prefetch_related(
        "tandems", "institutions", "speakers"
    )


def session_parties(session: Session) -> tuple[set[int], set[int]]:
    """Tandems and institutions a session keeps busy: participants, the host and the
    institutions of its speakers."""
    tandem_ids = {t.pk for t in session.tandems.all()}
    institution_ids = {i.pk for i in session.institutions.all()}
    institution_ids |= {s.institution_id for s in session.speakers.all() if s.institution_id}
    if session.host_id:
        institution_ids.add(session.host_id)
    return tandem_ids, institution_ids


def slot_at(slots: list[SlotTime], start: datetime) -> SlotTime | None:
    return next((s for s in slots if s.starts_at == start), None)
