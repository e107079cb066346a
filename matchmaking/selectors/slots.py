"""The tour's slots, cut from each day's meeting window (who is busy in them: ``occupancy``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..enums import RegistrationStatus
from ..models import Registration, Session, Tour


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
    """The tour's published sessions, without their long text (``parties_of_sessions`` reads
    who they keep busy)."""
    return Session.objects.filter(tour=tour, is_published=True).defer("description")


def parties_of_sessions(
    sessions: Iterable[Session], *, registered: bool = True
) -> dict[int, tuple[set[int], set[int]]]:
    """Session id → the tandems and institutions it keeps busy: participants, the host, the
    institutions of its speakers and (unless ``registered`` is false: only those the organisers
    named) the parties with a confirmed registration, not those waiting. Four queries of ids
    for any number of sessions."""
    parties = {s.pk: (set(), {s.host_id} if s.host_id else set()) for s in sessions}
    ids = list(parties)
    tandems = Session.tandems.through.objects.filter(session_id__in=ids)
    for session_id, tandem_id in tandems.values_list("session_id", "tandem_id"):
        parties[session_id][0].add(tandem_id)
    if registered:
        confirmed = Registration.objects.filter(
            session_id__in=ids, status=RegistrationStatus.CONFIRMED
        ).values_list("session_id", "tandem_id", "institution_id")
        for session_id, tandem_id, institution_id in confirmed:
            if tandem_id is not None:
                parties[session_id][0].add(tandem_id)
            else:
                parties[session_id][1].add(institution_id)
    institutions = Session.institutions.through.objects.filter(session_id__in=ids)
    speakers = Session.speakers.through.objects.filter(
        session_id__in=ids, speaker__institution__isnull=False
    )
    for rows in (
        institutions.values_list("session_id", "institution_id"),
        speakers.values_list("session_id", "speaker__institution_id"),
    ):
        for session_id, institution_id in rows:
            parties[session_id][1].add(institution_id)
    return parties


def session_parties(session: Session, *, registered: bool = True) -> tuple[set[int], set[int]]:
    """The tandems and institutions one session keeps busy (``registered``: see above)."""
    return parties_of_sessions([session], registered=registered)[session.pk]


def slot_at(slots: list[SlotTime], start: datetime) -> SlotTime | None:
    return next((s for s in slots if s.starts_at == start), None)
