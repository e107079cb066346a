"""Invariants of every schedule, checked on small random instances."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.scheduling import Instance, Participant, Request, Slot, first_free
from matchmaking.scheduling.optimiser import optimise

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw, max_requests=6):
    slot_count = draw(st.integers(1, 4))
    slots = tuple(Slot(f"s{i}", day=i // 2, index=i % 2 * 2) for i in range(slot_count))
    slot_ids = [s.id for s in slots]
    people = [f"p{i}" for i in range(draw(st.integers(2, 5)))]
    participants = tuple(
        Participant(pid, frozenset(draw(st.sets(st.sampled_from(slot_ids))))) for pid in people
    )
    available = {p.id: p.available for p in participants}
    requests, locked_at = [], set()
    for number in range(draw(st.integers(0, max_requests))):
        a, b = draw(st.lists(st.sampled_from(people), min_size=2, max_size=2, unique=True))
        preferred = tuple(draw(st.lists(st.sampled_from(slot_ids), max_size=2, unique=True)))
        lock = draw(st.none() | st.sampled_from(slot_ids))
        if lock is not None and (
            lock not in available[a] & available[b] or {(a, lock), (b, lock)} & locked_at
        ):
            lock = None
        if lock is not None:
            locked_at |= {(a, lock), (b, lock)}
        requests.append(Request(f"r{number}", (a, b), preferred, lock))
    instance = Instance(slots, participants, tuple(requests))
    instance.validate()
    return instance


def assert_valid(instance, result, *, moves_allowed=False):
    requests = instance.request_by_id
    assert result.placements.keys() <= requests.keys()
    assert result.placements.keys() | result.unplaced.keys() == requests.keys()
    assert not result.placements.keys() & result.unplaced.keys()
    held = Counter()
    for request_id, slot_id in result.placements.items():
        for party in requests[request_id].parties:
            assert slot_id in instance.participant_by_id[party].available
            held[(party, slot_id)] += 1
    assert max(held.values(), default=0) <= 1
    for request in instance.requests:
        if request.locked is not None:
            if moves_allowed:
                assert request.id in result.placements
            else:
                assert result.placements[request.id] == request.locked
    assert result.placed <= result.upper_bound
    assert result.moved <= {r.id for r in instance.requests if r.locked is not None}


def brute_force_optimum(instance):
    """Most placeable meetings, by trying every slot (or none) for each open request."""
    busy = set()
    for request in instance.requests:
        if request.locked is not None:
            busy |= {(party, request.locked) for party in request.parties}
    open_requests = [r for r in instance.requests if r.locked is None]

    def best(position):
        if position == len(open_requests):
            return 0
        request = open_requests[position]
        found = best(position + 1)
        for slot_id in instance.common_slots(request):
            keys = {(party, slot_id) for party in request.parties}
            if not keys & busy:
                busy.update(keys)
                found = max(found, 1 + best(position + 1))
                busy.difference_update(keys)
        return found

    return len(instance.requests) - len(open_requests) + best(0)


@SETTINGS
@given(instances())
def test_first_free_is_valid(instance):
    assert_valid(instance, first_free(instance))


@SETTINGS
@given(instances())
def test_optimise_is_valid_optimal_and_never_worse_than_greedy(instance):
    result = optimise(instance, time_limit=10)
    assert_valid(instance, result)
    assert result.placed >= first_free(instance).placed
    assert result.placed == brute_force_optimum(instance)
    assert result.optimal


@SETTINGS
@given(instances())
def test_moves_only_when_they_place_more(instance):
    fixed = optimise(instance, time_limit=10)
    movable = optimise(instance, time_limit=10, allow_moves=True)
    assert_valid(instance, movable, moves_allowed=True)
    assert movable.placed >= fixed.placed
    if movable.moved:
        assert movable.placed > fixed.placed
