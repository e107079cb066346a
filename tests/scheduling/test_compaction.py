"""The compaction local search: moves keep schedules valid and never lose a meeting."""

from hypothesis import given
from hypothesis import strategies as st

from matchmaking.scheduling import Instance, Participant, Request, Slot, first_free
from matchmaking.scheduling.bound import options
from matchmaking.scheduling.compaction import Compactor
from matchmaking.scheduling.control import Deadline
from matchmaking.scheduling.greedy import result_for
from matchmaking.scheduling.model import largest_idle_gaps

from .test_properties import SETTINGS, assert_valid, instances


def movable(instance):
    opts = options(instance)
    return {r: s for r, s in opts.choices.items() if instance.request_by_id[r].locked is None}


def test_swap_closes_a_gap_no_single_move_can():
    slots = tuple(Slot(f"s{i}", 0, i) for i in range(5))
    everywhere = frozenset(s.id for s in slots)
    instance = Instance(
        slots,
        (
            Participant("P", everywhere),
            Participant("A", {"s0"}),
            Participant("B", {"s1", "s4"}),
            Participant("C", {"s1", "s4"}),
        ),
        (Request("pa", ("P", "A")), Request("pb", ("P", "B")), Request("bc", ("B", "C"))),
    )
    start = {"pa": "s0", "pb": "s4", "bc": "s1"}
    assert largest_idle_gaps(instance, start)[("P", 0)] == 3
    compactor = Compactor(instance, start, movable(instance))
    placements = compactor.run(Deadline(2))
    # pb cannot move alone (B is busy in s1) and bc gains nothing by moving alone;
    # only exchanging their slots closes P's gap.
    assert placements == {"pa": "s0", "pb": "s1", "bc": "s4"}
    assert largest_idle_gaps(instance, placements)[("P", 0)] == 0
    assert compactor.split_days() == 0


def test_locked_meetings_never_move():
    slots = tuple(Slot(f"s{i}", 0, i) for i in range(5))
    everywhere = frozenset(s.id for s in slots)
    instance = Instance(
        slots,
        tuple(Participant(p, everywhere) for p in "PAB"),
        (Request("pa", ("P", "A"), locked="s0"), Request("pb", ("P", "B"), locked="s4")),
    )
    placements = {"pa": "s0", "pb": "s4"}
    assert Compactor(instance, placements, movable(instance)).run(Deadline(0.2)) == placements


@SETTINGS
@given(instances(max_requests=10), st.integers(0, 3))
def test_compaction_keeps_schedules_valid_and_never_worse(instance, seed):
    start = first_free(instance).placements
    compactor = Compactor(instance, start, movable(instance), seed=seed)
    before = compactor.total
    placements = compactor.run(Deadline(0.02))
    # Every meeting stays placed, in a valid slot, locked ones where they were; a request
    # left out may be added when moves open a slot for it.
    assert placements.keys() >= start.keys()
    assert_valid(
        instance,
        result_for(instance, placements, upper_bound=len(instance.requests), optimal=False),
    )
    if placements.keys() == start.keys():
        assert compactor.total <= before
    assert Compactor(instance, placements, movable(instance)).total == compactor.total


def test_compaction_places_a_request_by_moving_a_meeting_aside():
    slots = (Slot("s0", 0, 0), Slot("s1", 0, 1))
    instance = Instance(
        slots,
        (
            Participant("A", {"s0", "s1"}),
            Participant("B", {"s0", "s1"}),
            Participant("C", {"s0"}),
        ),
        (Request("ab", ("A", "B")), Request("ac", ("A", "C"))),
    )
    start = first_free(instance).placements
    assert start == {"ab": "s0"}
    placements = Compactor(instance, start, movable(instance)).run(Deadline(0.2))
    assert placements == {"ab": "s1", "ac": "s0"}
