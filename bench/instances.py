"""Reproducible scheduling instances shaped like a matchmaking tour.

Availability comes in half-day blocks, each participant loses a few slots to agenda
items (sessions), and institution popularity is heavy-tailed so a few are over-asked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from matchmaking.scheduling import Instance, Participant, Request, Slot
from matchmaking.scheduling.greedy import Bookings, choose_slot


@dataclass(frozen=True)
class Size:
    name: str
    tandems: int
    institutions: int
    requests: int
    days: int
    slots_per_day: int
    # Zipf-like exponent of institution popularity; 0 spreads requests evenly.
    popularity_skew: float
    time_limit: float
    seed: int


SIZES = {
    size.name: size
    for size in (
        Size("S", 6, 22, 70, 4, 6, 1.0, 0.8, seed=1),
        Size("M", 300, 300, 2_000, 2, 16, 1.0, 10.0, seed=2),
        Size("M-dense", 300, 300, 4_000, 2, 16, 0.0, 30.0, seed=3),
        Size("L", 1_500, 1_500, 10_000, 2, 16, 1.0, 60.0, seed=4),
    )
}

_BLOCK_AVAILABLE = 0.75  # chance a participant is free in a given half-day
_SESSION_HOLES = (1, 3)  # slots each participant loses to agenda items
_POPULARITY_OFFSET = 5  # flattens the head of the Zipf curve a little
_PREFERENCE_SHARE = 0.5  # requests that come with preferred slots
_LOCKED_SHARE = 0.05  # requests already confirmed in a slot


def generate(size: Size) -> Instance:
    rng = random.Random(size.seed)
    slots = tuple(
        Slot(id=f"d{day}s{index:02d}", day=day, index=index)
        for day in range(size.days)
        for index in range(size.slots_per_day)
    )
    tandems = [f"T{i:04d}" for i in range(size.tandems)]
    institutions = [f"I{i:04d}" for i in range(size.institutions)]
    participants = tuple(
        Participant(id=pid, available=_availability(rng, size, slots))
        for pid in tandems + institutions
    )
    available = {p.id: p.available for p in participants}
    pairs = _pairs(rng, size, tandems, institutions)
    requests = tuple(_request(rng, i, pair, available, slots) for i, pair in enumerate(pairs))
    return _lock_some(rng, Instance(slots=slots, participants=participants, requests=requests))


def _availability(rng: random.Random, size: Size, slots: tuple[Slot, ...]) -> frozenset[str]:
    half = size.slots_per_day // 2
    blocks = [(day, part) for day in range(size.days) for part in (0, 1)]
    chosen = {block for block in blocks if rng.random() < _BLOCK_AVAILABLE}
    if not chosen:
        chosen = {rng.choice(blocks)}
    free = [s for s in slots if (s.day, min(s.index // half, 1)) in chosen]
    holes = rng.randint(*_SESSION_HOLES)
    for slot in rng.sample(free, min(holes, len(free) - 1)):
        free.remove(slot)
    return frozenset(s.id for s in free)


def _pairs(
    rng: random.Random, size: Size, tandems: list[str], institutions: list[str]
) -> list[tuple[str, str]]:
    weights = [
        1.0 / (rank + _POPULARITY_OFFSET) ** size.popularity_skew
        for rank in range(len(institutions))
    ]
    pairs: set[tuple[str, str]] = set()
    ordered = []
    while len(ordered) < size.requests:
        tandem = tandems[len(ordered) % len(tandems)] if rng.random() < 0.5 else rng.choice(tandems)
        institution = rng.choices(institutions, weights)[0]
        if (tandem, institution) not in pairs:
            pairs.add((tandem, institution))
            ordered.append((tandem, institution))
    return ordered


def _request(
    rng: random.Random,
    number: int,
    pair: tuple[str, str],
    available: dict[str, frozenset[str]],
    slots: tuple[Slot, ...],
) -> Request:
    requester = pair[rng.randrange(2)]
    preferred: tuple[str, ...] = ()
    if rng.random() < _PREFERENCE_SHARE:
        own = sorted(available[requester])
        preferred = tuple(rng.sample(own, min(len(own), rng.randint(1, 3))))
    return Request(id=f"R{number:05d}", parties=pair, preferred=preferred)


def _lock_some(rng: random.Random, instance: Instance) -> Instance:
    """Confirm a few requests in their first free slot, as acceptance would have."""
    bookings = Bookings()
    requests = list(instance.requests)
    for position, request in enumerate(requests):
        if rng.random() >= _LOCKED_SHARE:
            continue
        slot_id = choose_slot(instance, request, bookings)
        if slot_id is not None:
            bookings.book(request, slot_id)
            requests[position] = replace(request, locked=slot_id)
    return replace(instance, requests=tuple(requests))
