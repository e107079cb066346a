from matchmaking.scheduling import (
    Instance,
    Participant,
    Reason,
    Request,
    Slot,
    earliest_slot,
    first_free,
)
from matchmaking.scheduling.model import largest_idle_gaps

# Listed out of time order on purpose: time order is (day, index), not list order.
SLOTS = (Slot("d1a", 1, 0), Slot("d0b", 0, 3), Slot("d0a", 0, 1), Slot("d1b", 1, 2))


def build(requests, available):
    return Instance(
        slots=SLOTS,
        participants=tuple(Participant(pid, frozenset(a)) for pid, a in available.items()),
        requests=tuple(requests),
    )


EVERYWHERE = {"d0a", "d0b", "d1a", "d1b"}


def test_earliest_slot_takes_the_first_free_preferred_slot():
    instance = build(
        [
            Request("r", ("A", "B"), preferred=("d1b", "d1a")),
            Request("other", ("B", "C"), locked="d1b"),
        ],
        {"A": EVERYWHERE, "B": EVERYWHERE, "C": EVERYWHERE},
    )
    assert earliest_slot(instance, "r") == "d1a"


def test_earliest_slot_skips_preferred_slots_not_shared():
    instance = build(
        [Request("r", ("A", "B"), preferred=("d1b",))],
        {"A": EVERYWHERE, "B": {"d0b", "d1a"}},
    )
    assert earliest_slot(instance, "r") == "d0b"


def test_earliest_slot_without_preference_is_earliest_in_time():
    instance = build([Request("r", ("A", "B"))], {"A": EVERYWHERE, "B": EVERYWHERE})
    assert earliest_slot(instance, "r") == "d0a"


def test_earliest_slot_ignores_unlocked_requests_and_its_own_lock():
    instance = build(
        [Request("r", ("A", "B"), locked="d1b"), Request("pending", ("A", "C"))],
        {"A": EVERYWHERE, "B": EVERYWHERE, "C": EVERYWHERE},
    )
    assert earliest_slot(instance, "r") == "d0a"


def test_earliest_slot_reasons():
    instance = build(
        [
            Request("nobody", ("A", "Z")),
            Request("apart", ("A", "B")),
            Request("taken", ("A", "C")),
            Request("lockA", ("A", "D"), locked="d0a"),
            Request("lockC", ("C", "D"), locked="d0b"),
        ],
        {"A": {"d0a", "d1a"}, "B": {"d0b"}, "C": {"d0a", "d0b"}, "D": EVERYWHERE, "Z": set()},
    )
    assert earliest_slot(instance, "nobody") is Reason.PARTICIPANT_UNAVAILABLE
    assert earliest_slot(instance, "apart") is Reason.NO_COMMON_SLOT
    assert earliest_slot(instance, "taken") is Reason.COMMON_SLOTS_TAKEN


def test_first_free_keeps_locks_then_follows_request_order():
    instance = build(
        [
            Request("first", ("A", "B")),
            Request("second", ("A", "C")),
            Request("locked", ("B", "C"), locked="d0b"),
            Request("left", ("B", "C"), preferred=("d0a",)),
        ],
        {"A": {"d0a", "d0b"}, "B": {"d0a", "d0b"}, "C": {"d0a", "d0b"}},
    )
    result = first_free(instance)
    assert result.placements == {"locked": "d0b", "first": "d0a"}
    assert result.unplaced == {
        "second": Reason.COMMON_SLOTS_TAKEN,
        "left": Reason.COMMON_SLOTS_TAKEN,
    }
    assert result.moved == frozenset()
    assert result.upper_bound >= result.placed


def test_result_metrics():
    instance = build(
        [Request("r1", ("A", "B")), Request("r2", ("A", "C")), Request("r3", ("D", "E"))],
        {"A": {"d0a", "d0b"}, "B": {"d0a"}, "C": {"d0b"}, "D": {"d1a"}, "E": {"d1b"}},
    )
    result = first_free(instance)
    assert result.meetings_per_participant(instance) == {"A": 2, "B": 1, "C": 1, "D": 0, "E": 0}
    # D and E share no slot, so their empty schedules are not the scheduler's doing.
    assert result.participants_without_meeting(instance) == frozenset()
    # Index 2 of day 0 is a break: no one can meet then, so it is not idle time ...
    assert result.largest_idle_gaps(instance) == {("A", 0): 0, ("B", 0): 0, ("C", 0): 0}
    # ... unless every index between two meetings counts, as the coarser measure does.
    coarse = largest_idle_gaps(instance, result.placements, unavailable_is_idle=True)
    assert coarse == {("A", 0): 1, ("B", 0): 0, ("C", 0): 0}


def test_idle_gaps_skip_slots_the_participant_is_unavailable_in():
    slots = tuple(Slot(f"s{i}", 0, i) for i in range(6))
    instance = Instance(
        slots,
        (
            # A sits in a session in s2 and s3, so only s1 and s4 are idle between meetings.
            Participant("A", frozenset({"s0", "s1", "s4", "s5"})),
            Participant("B", frozenset(s.id for s in slots)),
            Participant("C", frozenset(s.id for s in slots)),
        ),
        (Request("r1", ("A", "B"), locked="s0"), Request("r2", ("A", "C"), locked="s5")),
    )
    placements = first_free(instance).placements
    assert largest_idle_gaps(instance, placements) == {("A", 0): 2, ("B", 0): 0, ("C", 0): 0}
    coarse = largest_idle_gaps(instance, placements, unavailable_is_idle=True)
    assert coarse[("A", 0)] == 4
