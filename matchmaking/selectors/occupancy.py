"""Who is busy in which slot of a tour, and why: the one answer that the request forms, the
availability page, the meeting grid, placement, the planner and the services' checks derive
from.

A party (a tandem or an institution) is busy with its scheduled meetings, the published
sessions it takes part in (participant, host, a speaker's institution, or a confirmed
registration; a place on the waiting list keeps nobody busy) and the slots it marked
unavailable. A break is not a party's engagement: it takes the slot away from everyone,
so ``tour_slots`` leaves that slot out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property

from django.db.models import Q

from ..enums import MeetingStatus
from ..models import BlockedSlot, Meeting, Session, Tour
from ..models.languages import localized
from .slots import SlotTime, parties_of_sessions, party_rows, published_sessions, tour_slots

# A mark of unavailability holds the slot it starts in.
MARK_LENGTH = timedelta(minutes=1)
LONG_TEXTS = [
    *(("tandem", column) for column in ("summary", *localized("summary"))),
    *(("institution", column) for column in ("description", *localized("description"))),
    ("institution", "search_text"),
]


class Cause(StrEnum):
    """What keeps a party busy, in the order a page names it when several meet in one slot."""

    MEETING = "meeting"
    SESSION = "session"
    UNAVAILABLE = "unavailable"


EVERY_CAUSE = frozenset(Cause)


@dataclass(frozen=True)
class Engagement:
    cause: Cause
    starts_at: datetime
    ends_at: datetime
    meeting: Meeting | None = None
    session: Session | None = None

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and self.ends_at > starts_at


class Occupancy:
    """The engagements of the parties asked for, and the slots each of them holds."""

    def __init__(self, tour: Tour, slots: list[SlotTime] | None):
        self.tour = tour
        if slots is not None:
            self.slots = slots
        self.by_tandem: dict[int, list[Engagement]] = {}
        self.by_institution: dict[int, list[Engagement]] = {}
        self._held: dict[tuple[int | None, int | None], dict[str, list[Engagement]]] = {}

    @cached_property
    def slots(self) -> list[SlotTime]:
        return tour_slots(self.tour)

    def engagements(
        self, *, tandem_id: int | None = None, institution_id: int | None = None
    ) -> list[Engagement]:
        """The tandem's, the institution's, or (both given) the two together."""
        return self.by_tandem.get(tandem_id, []) + self.by_institution.get(institution_id, [])

    def in_slots(
        self, *, tandem_id: int | None = None, institution_id: int | None = None
    ) -> dict[str, list[Engagement]]:
        """Slot id → what keeps the party (or either of the two) busy in it; free slots are
        absent."""
        key = (tandem_id, institution_id)
        if key not in self._held:
            held: dict[str, list[Engagement]] = {}
            ends = [slot.ends_at for slot in self.slots]
            for engagement in self.engagements(tandem_id=tandem_id, institution_id=institution_id):
                # Slots are in time order and do not overlap: start at the first ending after it.
                for slot in self.slots[bisect_right(ends, engagement.starts_at) :]:
                    if slot.starts_at >= engagement.ends_at:
                        break
                    held.setdefault(slot.id, []).append(engagement)
            self._held[key] = held
        return self._held[key]

    def busy(
        self,
        *,
        tandem_id: int | None = None,
        institution_id: int | None = None,
        causes: Collection[Cause] = EVERY_CAUSE,
    ) -> set[str]:
        """The ids of the slots the party (or either of the two) cannot use for a new meeting."""
        held = self.in_slots(tandem_id=tandem_id, institution_id=institution_id)
        return {
            slot_id
            for slot_id, engagements in held.items()
            if any(e.cause in causes for e in engagements)
        }

    def free(self, *, tandem_id: int, institution_id: int) -> list[SlotTime]:
        """The slots in which neither side is busy."""
        taken = self.busy(tandem_id=tandem_id, institution_id=institution_id)
        return [slot for slot in self.slots if slot.id not in taken]

    def meetings_between(self, starts_at: datetime, ends_at: datetime) -> list[Meeting]:
        """The scheduled meetings of the parties asked for that overlap this time."""
        found = {
            e.meeting.pk: e.meeting
            for engagements in (*self.by_tandem.values(), *self.by_institution.values())
            for e in engagements
            if e.cause == Cause.MEETING and e.overlaps(starts_at, ends_at)
        }
        return sorted(found.values(), key=lambda m: (m.starts_at, m.pk))

    def add(
        self, engagement: Engagement, tandem_ids: Iterable[int], institution_ids: Iterable[int]
    ):
        for pk in tandem_ids:
            self.by_tandem.setdefault(pk, []).append(engagement)
        for pk in institution_ids:
            self.by_institution.setdefault(pk, []).append(engagement)


def occupancy(
    tour: Tour,
    *,
    slots: list[SlotTime] | None = None,
    tandem_ids: Collection[int] | None = None,
    institution_ids: Collection[int] | None = None,
    exclude_request_ids: Collection[int] = (),
    named: bool = True,
) -> Occupancy:
    """Who is busy when in ``tour``, in a constant number of queries.

    Without ``tandem_ids`` and ``institution_ids`` every party of the tour is read; with either,
    only those parties (the two sides of a request, say). With ``slots`` only that stretch of
    time is read (one day of the grid); without, the whole tour and its slots. Meetings of
    ``exclude_request_ids`` are left out, so a caller can treat them as movable. Without
    ``named`` the engagements' meetings and sessions carry only their times and parties: for a
    caller that asks which slots are busy, not what keeps them busy.
    """
    occupied = Occupancy(tour, slots)
    if slots is not None and not slots:
        return occupied
    restricted = tandem_ids is not None or institution_ids is not None
    wanted_tandems, wanted_institutions = set(tandem_ids or ()), set(institution_ids or ())

    def kept(tandems: Iterable[int], institutions: Iterable[int]) -> tuple[set[int], set[int]]:
        if not restricted:
            return set(tandems), set(institutions)
        return wanted_tandems & set(tandems), wanted_institutions & set(institutions)

    meetings = (
        Meeting.objects.filter(tour=tour, status=MeetingStatus.SCHEDULED)
        .exclude(request_id__in=list(exclude_request_ids))
        .select_related("tandem", "institution")
        # Pages name the other side of a meeting; its long texts are not needed for that.
        .defer(*(f"{party}__{field}" for party, field in LONG_TEXTS))
    )
    sessions = published_sessions(tour)
    if not named:
        meetings = meetings.select_related(None).only(
            "starts_at", "ends_at", "tandem_id", "institution_id"
        )
        sessions = sessions.only("starts_at", "ends_at")
    marks = BlockedSlot.objects.filter(tour=tour).only("tandem_id", "institution_id", "starts_at")
    if slots is not None:
        start, end = slots[0].starts_at, slots[-1].ends_at
        meetings = meetings.filter(starts_at__lt=end, ends_at__gt=start)
        sessions = sessions.filter(starts_at__lt=end, ends_at__gt=start)
        marks = marks.filter(starts_at__gt=start - MARK_LENGTH, starts_at__lt=end)
    if restricted:
        either = Q(tandem_id__in=wanted_tandems) | Q(institution_id__in=wanted_institutions)
        meetings, marks = meetings.filter(either), marks.filter(either)
        # The parties' sessions from the ids of who each session keeps busy, then those sessions
        # alone: one join of every kind of taking part at once cost PostgreSQL milliseconds.
        parties: dict[int, tuple[set[int], set[int]]] = {}
        rows = party_rows(
            sessions.values("pk"), tandem_ids=wanted_tandems, institution_ids=wanted_institutions
        )
        for session_id, side, party_id in rows:  # only the parties asked for (party_rows)
            parties.setdefault(session_id, (set(), set()))[side].add(party_id)
        sessions = list(sessions.filter(pk__in=list(parties)))
    else:
        sessions = list(sessions)
        parties = parties_of_sessions(sessions)

    for meeting in meetings:
        engagement = Engagement(Cause.MEETING, meeting.starts_at, meeting.ends_at, meeting=meeting)
        occupied.add(engagement, *kept([meeting.tandem_id], [meeting.institution_id]))
    for session in sessions:
        engagement = Engagement(Cause.SESSION, session.starts_at, session.ends_at, session=session)
        occupied.add(engagement, *kept(*parties[session.pk]))
    for mark in marks:
        engagement = Engagement(Cause.UNAVAILABLE, mark.starts_at, mark.starts_at + MARK_LENGTH)
        occupied.add(
            engagement,
            *kept(
                [mark.tandem_id] if mark.tandem_id else [],
                [mark.institution_id] if mark.institution_id else [],
            ),
        )
    return occupied
