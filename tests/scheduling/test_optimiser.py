from matchmaking.scheduling import (
    Instance,
    Participant,
    Reason,
    Request,
    Slot,
    first_free,
)
from matchmaking.scheduling.optimiser import optimise

SLOTS = (Slot("s1", 0, 0), Slot("s2", 0, 1))


def build(requests, available):
    return Instance(
        slots=SLOTS,
        participants=tuple(Participant(pid, frozenset(a)) for pid, a in available.items()),
        requests=tuple(requests),
    )


# B can only meet in s1; greedy gives s1 to the first request and leaves B out.
AVAILABLE = {"A": {"s1", "s2"}, "B": {"s1"}, "C": {"s1", "s2"}}


def test_optimise_places_what_greedy_leaves_out():
    instance = build([Request("r1", ("A", "C")), Request("r2", ("B", "C"))], AVAILABLE)
    assert first_free(instance).placed == 1
    result = optimise(instance, time_limit=10)
    assert result.placements == {"r1": "s2", "r2": "s1"}
    assert result.unplaced == {}
    assert (result.upper_bound, result.optimal) == (2, True)


def test_locked_meeting_stays_unless_moves_are_allowed():
    instance = build([Request("r1", ("A", "C"), locked="s1"), Request("r2", ("B", "C"))], AVAILABLE)
    kept = optimise(instance, time_limit=10)
    assert kept.placements == {"r1": "s1"}
    assert kept.unplaced == {"r2": Reason.COMMON_SLOTS_TAKEN}
    assert kept.moved == frozenset()
    moved = optimise(instance, time_limit=10, allow_moves=True)
    assert moved.placements == {"r1": "s2", "r2": "s1"}
    assert moved.moved == frozenset({"r1"})


def test_locked_meeting_does_not_move_without_gain():
    instance = build([Request("r1", ("A", "C"), locked="s2"), Request("r2", ("B", "C"))], AVAILABLE)
    result = optimise(instance, time_limit=10, allow_moves=True)
    assert result.placements == {"r1": "s2", "r2": "s1"}
    assert result.moved == frozenset()


def test_optimise_explains_unplaced_requests():
    instance = build(
        [Request("apart", ("B", "D")), Request("nobody", ("A", "E"))],
        {**AVAILABLE, "D": {"s2"}, "E": set()},
    )
    result = optimise(instance, time_limit=10)
    assert result.unplaced == {
        "apart": Reason.NO_COMMON_SLOT,
        "nobody": Reason.PARTICIPANT_UNAVAILABLE,
    }
    assert (result.upper_bound, result.optimal) == (0, True)


def test_optimise_closes_idle_gaps():
    slots = tuple(Slot(f"s{i}", 0, i) for i in range(4))
    everywhere = {s.id for s in slots}
    instance = Instance(
        slots,
        tuple(Participant(p, frozenset(everywhere)) for p in "ABC"),
        (Request("r1", ("A", "B"), preferred=("s0",)), Request("r2", ("A", "C"), ("s3",))),
    )
    result = optimise(instance, time_limit=10)
    assert result.largest_idle_gaps(instance)[("A", 0)] == 0
