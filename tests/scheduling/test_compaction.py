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


def met(instance, placements):
    return {party for r in placements for party in instance.request_by_id[r].parties}


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
    # Never fewer meetings, nobody who had a meeting loses it, every meeting is in a valid
    # slot and locked ones stay where they were. A request left out may be added when moves
    # open a slot for it, or take the place of one whose sides both meet otherwise.
    assert len(placements) >= len(start)
    assert met(instance, placements) >= met(instance, start)
    assert_valid(
        instance,
        result_for(instance, placements, upper_bound=len(instance.requests), optimal=False),
    )
    if placements.keys() == start.keys():
        assert compactor.total <= before
    assert Compactor(instance, placements, movable(instance)).total == compactor.total


def test_someone_without_a_meeting_takes_the_place_of_one_whose_sides_meet_otherwise():
    slots = (Slot("s0", 0, 0), Slot("s1", 0, 1))
    both = frozenset({"s0", "s1"})
    instance = Instance(
        slots,
        (Participant("I", both), Participant("T", both), Participant("U", {"s0"})),
        (
            Request("it-1", ("I", "T")),
            Request("it-2", ("T", "I"), locked="s1"),
            Request("iu", ("I", "U")),
        ),
    )
    # Greedy gives I and T a meeting in s0 and s1; U can only meet I in s0.
    start = {"it-1": "s0", "it-2": "s1"}
    compactor = Compactor(instance, start, movable(instance))
    assert compactor.meet_everyone()
    # The confirmed meeting stays; T keeps it, so the other one makes way for U.
    assert compactor.placements() == {"it-2": "s1", "iu": "s0"}


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


def test_a_request_left_out_shifts_a_chain_of_meetings():
    slots = tuple(Slot(f"s{i}", 0, i) for i in range(3))
    instance = Instance(
        slots,
        (
            Participant("A", {"s0"}),
            Participant("B", {"s0", "s1", "s2"}),
            Participant("C", {"s0", "s1"}),
            Participant("E", {"s1", "s2"}),
        ),
        (Request("bc", ("B", "C")), Request("be", ("B", "E")), Request("ab", ("A", "B"))),
    )
    # ab needs s0; bc can only go to s1, where be holds B: one meeting moved aside is not
    # enough, be has to move on to s2 as well.
    compactor = Compactor(instance, {"bc": "s0", "be": "s1"}, movable(instance))
    assert compactor.place_left_out(Deadline(1))
    assert compactor.placements() == {"ab": "s0", "bc": "s1", "be": "s2"}


def exchange_needed():
    """One slot; ac is placed, ab and cd are left out."""
    instance = Instance(
        (Slot("s0", 0, 0),),
        tuple(Participant(p, {"s0"}) for p in "ABCD"),
        (Request("ac", ("A", "C")), Request("ab", ("A", "B")), Request("cd", ("C", "D"))),
    )
    return Compactor(instance, {"ac": "s0"}, movable(instance))


def test_a_meeting_gives_way_when_that_places_two():
    compactor = exchange_needed()
    # A has no free slot, so only dropping ac places ab, and C, freed, meets D.
    assert compactor.place_left_out(Deadline(1))
    assert compactor.placements() == {"ab": "s0", "cd": "s0"}


def test_exchanges_wait_for_time():
    compactor = exchange_needed()
    assert not compactor.place_left_out(Deadline(0))
    # Nothing changed since, yet the exchange left for lack of time is tried next.
    assert compactor.place_left_out(Deadline(1))
    assert compactor.placements() == {"ab": "s0", "cd": "s0"}
