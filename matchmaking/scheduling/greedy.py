"""Fast first-free placement: used at acceptance time and as the optimiser's baseline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .model import Instance, Reason, Request, Result


class Bookings:
    """The slots in which each participant already has a meeting (bit masks of slot ranks)."""

    def __init__(self, instance: Instance) -> None:
        self._instance = instance
        self._busy: defaultdict[str, int] = defaultdict(int)

    def book(self, request: Request, slot_id: str) -> None:
        bit = self._instance.slot_bit[slot_id]
        for party in request.parties:
            self._busy[party] |= bit

    def is_free(self, request: Request, slot_id: str) -> bool:
        """Both sides are available in the slot and have no meeting in it."""
        return bool(self.free_mask(request) & self._instance.slot_bit[slot_id])

    def free_mask(self, request: Request) -> int:
        """Slots both sides are available in and have no meeting in."""
        first, second = request.parties
        return self._instance.common_mask(request) & ~(self._busy[first] | self._busy[second])


def choose_slot(instance: Instance, request: Request, bookings: Bookings) -> str | None:
    """The first preferred slot free for both sides, else the earliest such slot."""
    free = bookings.free_mask(request)
    if not free:
        return None
    for slot_id in request.preferred:
        if free & instance.slot_bit.get(slot_id, 0):
            return slot_id
    return instance.slot_ids_in_order[(free & -free).bit_length() - 1]


def reason_unplaced(instance: Instance, request: Request) -> Reason:
    """Why a request found no slot, assuming it found none free."""
    if any(not instance.participant_by_id[party].available for party in request.parties):
        return Reason.PARTICIPANT_UNAVAILABLE
    if not instance.common_mask(request):
        return Reason.NO_COMMON_SLOT
    return Reason.COMMON_SLOTS_TAKEN


def earliest_slot(instance: Instance, request_id: str) -> str | Reason:
    """A slot for one request, around the meetings already locked for other requests.

    Only the two parties' locked meetings are looked at, so this stays cheap enough to
    call while a web request accepts a meeting.
    """
    request = instance.request_by_id[request_id]
    bookings = Bookings(instance)
    parties = set(request.parties)
    for other in instance.requests:
        if other.locked is not None and other.id != request_id and parties & set(other.parties):
            bookings.book(other, other.locked)
    slot_id = choose_slot(instance, request, bookings)
    return reason_unplaced(instance, request) if slot_id is None else slot_id


def first_free(instance: Instance) -> Result:
    """Greedy baseline: keep locked meetings, then place the others in the given order."""
    placements = {r.id: r.locked for r in instance.requests if r.locked is not None}
    placements = fill(instance, placements, instance.requests)
    # A cheap bound keeps this fast; optimise() reports the tight one.
    bound = sum(1 for r in instance.requests if instance.common_mask(r))
    return result_for(instance, placements, upper_bound=bound, optimal=False)


def fill(
    instance: Instance, placements: Mapping[str, str], order: Iterable[Request]
) -> dict[str, str]:
    """Give each unplaced request of `order` the first slot still free for both sides."""
    bookings = Bookings(instance)
    for request_id, slot_id in placements.items():
        bookings.book(instance.request_by_id[request_id], slot_id)
    filled = dict(placements)
    for request in order:
        if request.id in filled:
            continue
        slot_id = choose_slot(instance, request, bookings)
        if slot_id is not None:
            filled[request.id] = slot_id
            bookings.book(request, slot_id)
    return filled


def result_for(
    instance: Instance,
    placements: Mapping[str, str],
    *,
    upper_bound: int,
    optimal: bool,
    moved: frozenset[str] = frozenset(),
    interrupted: bool = False,
    without_meeting_bound: int = 0,
) -> Result:
    """Wrap placements in a Result, explaining every request left out."""
    unplaced = {
        r.id: reason_unplaced(instance, r) for r in instance.requests if r.id not in placements
    }
    return Result(
        placements=dict(placements),
        unplaced=unplaced,
        upper_bound=upper_bound,
        optimal=optimal or len(placements) == upper_bound,
        moved=moved,
        interrupted=interrupted,
        without_meeting_bound=without_meeting_bound,
    )
