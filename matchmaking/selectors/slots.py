"""The tour's slots, cut from each day's meeting window, and who is busy in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..enums import MeetingStatus
from ..models import BlockedSlot, Meeting, Session, Tour


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


@dataclass
class Busy:
    """Who is taken when: the slots each tandem and institution cannot use for a new meeting."""

    by_tandem: dict[int, set[str]]
    by_institution: dict[int, set[str]]

    def tandem(self, tandem_id: int) -> set[str]:
        return self.by_tandem.setdefault(tandem_id, set())

    def institution(self, institution_id: int) -> set[str]:
        return self.by_institution.setdefault(institution_id, set())


def _overlapping(slots: list[SlotTime], start: datetime, end: datetime) -> list[str]:
    return [s.id for s in slots if s.starts_at < end and s.ends_at > start]


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


def busy_slots(
    tour: Tour, slots: list[SlotTime], *, exclude_request_ids: frozenset[int] = frozenset()
) -> Busy:
    """Slots blocked by unavailability, published sessions and scheduled meetings.

    Meetings of ``exclude_request_ids`` are left out so a caller can treat them as movable.
    """
    busy = Busy({}, {})
    for blocked in BlockedSlot.objects.filter(tour=tour):
        ids = _overlapping(slots, blocked.starts_at, blocked.starts_at + timedelta(minutes=1))
        target = (
            busy.tandem(blocked.tandem_id)
            if blocked.tandem_id
            else busy.institution(blocked.institution_id)
        )
        target.update(ids)
    for session in published_sessions(tour):
        ids = _overlapping(slots, session.starts_at, session.ends_at)
        tandem_ids, institution_ids = session_parties(session)
        for tandem_id in tandem_ids:
            busy.tandem(tandem_id).update(ids)
        for institution_id in institution_ids:
            busy.institution(institution_id).update(ids)
    meetings = Meeting.objects.filter(tour=tour, status=MeetingStatus.SCHEDULED).exclude(
        request_id__in=exclude_request_ids
    )
    for meeting in meetings.only("tandem_id", "institution_id", "starts_at", "ends_at"):
        ids = _overlapping(slots, meeting.starts_at, meeting.ends_at)
        busy.tandem(meeting.tandem_id).update(ids)
        busy.institution(meeting.institution_id).update(ids)
    return busy


def slot_at(slots: list[SlotTime], start: datetime) -> SlotTime | None:
    return next((s for s in slots if s.starts_at == start), None)
