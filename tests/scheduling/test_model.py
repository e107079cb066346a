import pytest

from matchmaking.scheduling import Instance, InstanceError, Participant, Reason, Request, Slot

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
    assert Instance.from_dict(instance.to_dict()) == instance


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"slots": [], "participants": []}, "Missing field 'requests' in the instance."),
        (
            {"slots": [{"id": "s", "day": "x", "index": 0}], "participants": [], "requests": []},
            "Malformed instance",
        ),
        (
            {
                "slots": [],
                "participants": [],
                "requests": [{"id": "r", "parties": ["A"]}],
            },
            "Request 'r' must have exactly two parties.",
        ),
    ],
)
def test_from_dict_rejects_malformed_data(data, message):
    with pytest.raises(InstanceError, match=message):
        Instance.from_dict(data)


def test_every_reason_has_an_explanation():
    for reason in Reason:
        assert reason.describe().endswith(".")
    assert Reason.NO_COMMON_SLOT == "no_common_slot"
