"""Reproducible scheduling instances shaped like a matchmaking tour, in several patterns.

Every shape is generated from a seed, so a figure can be reproduced and a second seed
shows how much it depends on luck. The patterns:

- popular institutions: institution popularity is Zipf-like (weight 1/(rank+5)), so a
  few institutions are asked far beyond their capacity;
- even: tandems ask institutions uniformly;
- any-to-any: any participant may ask any other (not only tandem to institution), which
  makes odd cycles and a fractional LP more likely;
- half-day availability: each participant is free in half-day blocks, each with
  probability 0.75 (`half_days=False`: whole days);
- agenda holes: every participant loses 1–3 single slots to sessions; with `agenda`, each
  day also has programme items of 2–3 consecutive slots that half of the participants
  attend, and a lunch break that leaves a hole in the slot numbering;
- confirmed meetings: 5 % of the requests are confirmed in their first free slot, as
  acceptance does (30 % in M-locked, where moving some of them places more).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from matchmaking.scheduling import Instance, Participant, Request, Slot
from matchmaking.scheduling.greedy import Bookings, choose_slot


@dataclass(frozen=True)
class Shape:
    name: str
    tandems: int
    institutions: int
    requests: int
    days: int = 2
    slots_per_day: int = 16
    # "popular" (Zipf-like institutions), "even" or "any-to-any".
    pairs: str = "popular"
    half_days: bool = True
    agenda: bool = False
    # Requests already confirmed (in their first free slot, as acceptance does).
    locked: float = 0.05
    seeds: tuple[int, ...] = (1,)

    @property
    def participants(self) -> int:
        return self.tandems + self.institutions


SHAPES = {
    shape.name: shape
    for shape in (
        Shape("S", 6, 22, 70, days=4, slots_per_day=6, seeds=(1, 21, 31)),
        Shape("M", 300, 300, 2_000, seeds=(2, 22)),
        Shape("M-dense", 300, 300, 4_000, pairs="even", seeds=(3, 23)),
        Shape("M-any", 300, 300, 3_000, pairs="any-to-any", seeds=(7,)),
        Shape("M-agenda", 300, 300, 2_000, agenda=True, seeds=(8,)),
        Shape("M-days", 300, 300, 2_000, half_days=False, seeds=(9,)),
        Shape("M-locked", 300, 300, 2_000, locked=0.3, seeds=(10,)),
        Shape("L", 1_500, 1_500, 10_000, seeds=(4, 24)),
        Shape("2L", 3_000, 3_000, 20_000, seeds=(5, 25)),
    )
}

_BLOCK_AVAILABLE = 0.75  # chance a participant is free in a given half-day (or day)
_SESSION_HOLES = (1, 3)  # single slots each participant loses to sessions
_POPULARITY_OFFSET = 5  # flattens the head of the Zipf curve a little
_PREFERENCE_SHARE = 0.5  # requests that come with preferred slots
_PROGRAMME_ITEMS = 2  # per day, with `agenda`
_PROGRAMME_LENGTH = (2, 3)  # consecutive slots
_PROGRAMME_AUDIENCE = 0.5  # share of participants in each programme item


def generate(shape: Shape, seed: int) -> Instance:
    rng = random.Random(seed)
    slots = _slots(shape)
    tandems = [f"T{i:04d}" for i in range(shape.tandems)]
    institutions = [f"I{i:04d}" for i in range(shape.institutions)]
    participants = tuple(
        Participant(id=pid, available=_availability(rng, shape, slots))
        for pid in tandems + institutions
    )
    if shape.agenda:
        participants = _programme(rng, shape, slots, participants)
    available = {p.id: p.available for p in participants}
    pairs = _pairs(rng, shape, tandems, institutions)
    requests = tuple(_request(rng, i, pair, available) for i, pair in enumerate(pairs))
    instance = Instance(slots=slots, participants=participants, requests=requests)
    return _lock_some(rng, shape, instance)


def _slots(shape: Shape) -> tuple[Slot, ...]:
    # With an agenda, lunch takes the middle slot of the day: its index is skipped.
    lunch = shape.slots_per_day // 2 if shape.agenda else None
    indexes = [i for i in range(shape.slots_per_day + (lunch is not None)) if i != lunch]
    return tuple(
        Slot(id=f"d{day}s{index:02d}", day=day, index=index)
        for day in range(shape.days)
        for index in indexes
    )


def _availability(rng: random.Random, shape: Shape, slots: tuple[Slot, ...]) -> frozenset[str]:
    half = shape.slots_per_day // 2
    parts = (0, 1) if shape.half_days else (0,)
    blocks = [(day, part) for day in range(shape.days) for part in parts]
    chosen = {block for block in blocks if rng.random() < _BLOCK_AVAILABLE}
    if not chosen:
        chosen = {rng.choice(blocks)}

    def block(slot: Slot) -> tuple[int, int]:
        return (slot.day, min(slot.index // half, 1) if shape.half_days else 0)

    free = [s for s in slots if block(s) in chosen]
    holes = rng.randint(*_SESSION_HOLES)
    for slot in rng.sample(free, min(holes, len(free) - 1)):
        free.remove(slot)
    return frozenset(s.id for s in free)


def _programme(
    rng: random.Random,
    shape: Shape,
    slots: tuple[Slot, ...],
    participants: tuple[Participant, ...],
) -> tuple[Participant, ...]:
    """Sessions of several slots that half of the participants attend."""
    busy: dict[str, set[str]] = {p.id: set() for p in participants}
    for day in range(shape.days):
        day_slots = [s for s in slots if s.day == day]
        for _ in range(_PROGRAMME_ITEMS):
            length = rng.randint(*_PROGRAMME_LENGTH)
            start = rng.randrange(len(day_slots) - length + 1)
            taken = {s.id for s in day_slots[start : start + length]}
            for participant in participants:
                if rng.random() < _PROGRAMME_AUDIENCE:
                    busy[participant.id] |= taken
    # Everyone keeps at least one slot, as the portal requires.
    return tuple(
        replace(p, available=(p.available - busy[p.id]) or p.available) for p in participants
    )


def _pairs(
    rng: random.Random, shape: Shape, tandems: list[str], institutions: list[str]
) -> list[tuple[str, str]]:
    if shape.pairs == "any-to-any":
        return _any_pairs(rng, shape, tandems + institutions)
    skew = 1.0 if shape.pairs == "popular" else 0.0
    weights = [1.0 / (rank + _POPULARITY_OFFSET) ** skew for rank in range(len(institutions))]
    pairs: set[tuple[str, str]] = set()
    ordered = []
    while len(ordered) < shape.requests:
        tandem = tandems[len(ordered) % len(tandems)] if rng.random() < 0.5 else rng.choice(tandems)
        institution = rng.choices(institutions, weights)[0]
        if (tandem, institution) not in pairs:
            pairs.add((tandem, institution))
            ordered.append((tandem, institution))
    return ordered


def _any_pairs(rng: random.Random, shape: Shape, people: list[str]) -> list[tuple[str, str]]:
    seen: set[frozenset[str]] = set()
    ordered = []
    while len(ordered) < shape.requests:
        pair = tuple(rng.sample(people, 2))
        if frozenset(pair) not in seen:
            seen.add(frozenset(pair))
            ordered.append(pair)
    return ordered


def _request(
    rng: random.Random, number: int, pair: tuple[str, str], available: dict[str, frozenset[str]]
) -> Request:
    requester = pair[rng.randrange(2)]
    preferred: tuple[str, ...] = ()
    if rng.random() < _PREFERENCE_SHARE:
        own = sorted(available[requester])
        preferred = tuple(rng.sample(own, min(len(own), rng.randint(1, 3))))
    return Request(id=f"R{number:05d}", parties=pair, preferred=preferred)


def _lock_some(rng: random.Random, shape: Shape, instance: Instance) -> Instance:
    """Confirm a few requests in their first free slot, as acceptance would have."""
    bookings = Bookings(instance)
    requests = list(instance.requests)
    for position, request in enumerate(requests):
        if rng.random() >= shape.locked:
            continue
        slot_id = choose_slot(instance, request, bookings)
        if slot_id is not None:
            bookings.book(request, slot_id)
            requests[position] = replace(request, locked=slot_id)
    return replace(instance, requests=tuple(requests))
