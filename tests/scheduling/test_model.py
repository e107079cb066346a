import pytest

from matchmaking.scheduling import Instance, InstanceError, Participant, Reason, Request, Slot
from matchmaking.scheduling.model import instance_from_dict

SLOTS = (Slot("s1", 0, 0), Slot("s2", 0, 1))


def build(requests=(), available=None, slots=SLOTS):
    available = available or {"A": {"s1", "s2"}, "B": {"s1", "s2"}}
    return Instance(
        slots=slots,
        participants=tuple(Participant(pid, frozenset(a)) for pid, a in available.items()),
        requests=tuple(requests),
    )


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        (build(slots=()), "The instance has no slots."),
        (build(slots=(Slot("s1", 0, 0), Slot("s1", 0, 1))), "Duplicate slot id 's1'."),
        (build([Request("r", ("A", "B")), Request("r", ("A", "B"))]), "Duplicate request id 'r'."),
        (build([Request("r", ("A", "Z"))]), "Request 'r' names unknown participant 'Z'."),
        (
            build([Request("r", ("A", "A"))]),
            "Request 'r' has the same participant 'A' on both sides.",
        ),
        (build([Request("r", ("A", "B"), ("s9",))]), "Request 'r' refers to unknown slot 's9'."),
        (
            build(available={"A": {"s3"}}),
            "Participant 'A' is available in unknown slot 's3'.",
        ),
        (
            build([Request("r", ("A", "B"), locked="s1")], {"A": {"s1"}, "B": {"s2"}}),
            "Request 'r' is locked in slot 's1', but participant 'B' is not available then.",
        ),
        (
            build([Request("r", ("A", "B"), locked="s1"), Request("q", ("A", "B"), locked="s1")]),
            "Participant 'A' has two locked meetings in slot 's1': 'r' and 'q'.",
        ),
    ],
)
def test_validate_explains_bad_input(instance, message):
    with pytest.raises(InstanceError) as raised:
        instance.validate()
    assert str(raised.value) == message


def test_duplicate_participant_is_rejected():
    instance = Instance(SLOTS, (Participant("A", frozenset()), Participant("A", frozenset())), ())
    with pytest.raises(InstanceError, match="Duplicate participant id 'A'"):
        instance.validate()


def test_valid_instance_round_trips_through_dict():
    instance = build([Request("r", ("A", "B"), ("s2", "s1"), locked="s1")])
    instance.validate()
    assert instance_from_dict(instance.to_dict()) == instance


def test_two_slots_at_one_time_are_refused():
    instance = build(slots=(Slot("s1", 0, 3), Slot("s2", 0, 3)))
    with pytest.raises(InstanceError, match="'s1' and 's2' are both day 0, index 3"):
        instance.validate()


def valid():
    return build([Request("r", ("A", "B"), ("s2",), locked="s1")]).to_dict()


def changed(path, value):
    """A valid instance's dict with the value at `path` replaced (or removed)."""
    data = valid()
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    if value is REMOVE:
        del target[last]
    else:
        target[last] = value
    return data


REMOVE = object()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "the instance: expected an object, got a list."),
        (changed(["requests"], REMOVE), "the instance: missing field 'requests'."),
        (changed(["extra"], 1), "the instance: unknown field 'extra'"),
        (changed(["slots"], {"s1": 0}), "slots: expected a list, got an object."),
        (
            changed(["slots", 0, "day"], 1.5),
            "slots[0].day: expected a whole number, got the number 1.5.",
        ),
        (
            changed(["slots", 0, "day"], True),
            "slots[0].day: expected a whole number, got the boolean true.",
        ),
        (
            changed(["slots", 0, "index"], "1"),
            "slots[0].index: expected a whole number, got the text '1'.",
        ),
        (
            changed(["slots", 0, "index"], -1),
            "slots[0].index: expected a whole number from 0 to 1439, got -1.",
        ),
        (
            changed(["slots", 1, "day"], 400),
            "slots[1].day: expected a whole number from 0 to 365, got 400.",
        ),
        (
            changed(["slots", 1, "day"], 10**400),
            "slots[1].day: expected a whole number from 0 to 365, got a number that large.",
        ),
        (
            changed(["slots", 0, "id"], 7),
            "slots[0].id: expected a non-empty text id, got the number 7.",
        ),
        (changed(["slots", 0, "id"], ""), "slots[0].id: expected a non-empty text id"),
        (changed(["slots", 0, "id"], "x" * 201), "slots[0].id: an id has at most 200 characters."),
        (changed(["slots", 0, "when"], 1), "slots[0]: unknown field 'when'"),
        (
            changed(["participants", 0, "available"], ["s1", "s1"]),
            "participants[0].available: 's1' is listed twice.",
        ),
        (
            changed(["participants", 1, "available"], [["s1"]]),
            "participants[1].available[0]: expected a non-empty text id, got a list.",
        ),
        (
            changed(["requests", 0, "parties"], ["A"]),
            "requests[0].parties: expected two participants, got 1.",
        ),
        (
            changed(["requests", 0, "parties"], ["A", None]),
            "requests[0].parties[1]: expected a non-empty text id, got null.",
        ),
        (
            changed(["requests", 0, "locked"], 1),
            "requests[0].locked: expected a non-empty text id, got the number 1.",
        ),
        (
            changed(["requests", 0, "preferred"], "s2"),
            "requests[0].preferred: expected a list, got the text 's2'.",
        ),
        (
            changed(["requests", 0, "id"], {"a": [[[]]]}),
            "requests[0].id: expected a non-empty text id, got an object.",
        ),
    ],
)
def test_reading_names_the_field_at_fault(data, message):
    with pytest.raises(InstanceError) as raised:
        instance_from_dict(data)
    assert str(raised.value).startswith(message)


def test_reading_leaves_contradictions_to_validate():
    data = changed(["requests", 0, "parties"], ["A", "Z"])
    with pytest.raises(InstanceError, match="unknown participant 'Z'"):
        instance_from_dict(data).validate()


def test_every_reason_has_an_explanation():
    for reason in Reason:
        assert reason.describe().endswith(".")
    assert Reason.NO_COMMON_SLOT == "no_common_slot"
