"""Plain data types of the scheduling problem: the instance, the result and the reasons."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any

_ABOUT_SLOTS_AND_PARTICIPANTS = (
    "slot_by_id",
    "participant_by_id",
    "slot_rank",
    "slot_ids_in_order",
    "slot_bit",
    "available_mask",
    "_slots_of_mask",
    "_valid",
)


class InstanceError(ValueError):
    """The instance cannot be scheduled as given; the message is meant for a human."""


@dataclass(frozen=True)
class Slot:
    id: str
    day: int
    # Position within the day. A break leaves a hole in the numbering, so the
    # distance between two indexes is the time between them, in slots.
    index: int

    @property
    def order(self) -> tuple[int, int]:
        return (self.day, self.index)


@dataclass(frozen=True)
class Participant:
    """One party of a meeting: a tandem (as a whole) or an institution."""

    id: str
    available: frozenset[str]

    def __post_init__(self) -> None:
        # Callers naturally pass lists or sets; a frozenset keeps the instance hashable.
        object.__setattr__(self, "available", frozenset(self.available))


@dataclass(frozen=True)
class Request:
    """An accepted meeting request between two participants."""

    id: str
    parties: tuple[str, str]
    preferred: tuple[str, ...] = ()
    locked: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "parties", tuple(self.parties))
        object.__setattr__(self, "preferred", tuple(self.preferred))


class Reason(StrEnum):
    """Why a request has no slot. The value is a stable code for translations."""

    PARTICIPANT_UNAVAILABLE = "participant_unavailable"
    NO_COMMON_SLOT = "no_common_slot"
    COMMON_SLOTS_TAKEN = "common_slots_taken"

    def describe(self) -> str:
        return _REASON_TEXT[self]


_REASON_TEXT = {
    Reason.PARTICIPANT_UNAVAILABLE: "One side has no available slot at all.",
    Reason.NO_COMMON_SLOT: "The two sides share no available slot.",
    Reason.COMMON_SLOTS_TAKEN: (
        "Every slot both sides share is already taken by other meetings of either side."
    ),
}


@dataclass(frozen=True)
class Instance:
    slots: tuple[Slot, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", tuple(self.slots))
        object.__setattr__(self, "participants", tuple(self.participants))
        object.__setattr__(self, "requests", tuple(self.requests))

    # -- lookups (computed once; the instance is immutable) ---------------------------

    @cached_property
    def slot_by_id(self) -> dict[str, Slot]:
        return {slot.id: slot for slot in self.slots}

    @cached_property
    def participant_by_id(self) -> dict[str, Participant]:
        return {participant.id: participant for participant in self.participants}

    @cached_property
    def request_by_id(self) -> dict[str, Request]:
        return {request.id: request for request in self.requests}

    @cached_property
    def slot_rank(self) -> dict[str, int]:
        """Position of each slot in time order, for cheap comparisons."""
        ordered = sorted(self.slots, key=lambda slot: slot.order)
        return {slot.id: rank for rank, slot in enumerate(ordered)}

    @cached_property
    def slot_ids_in_order(self) -> tuple[str, ...]:
        return tuple(sorted(self.slot_rank, key=self.slot_rank.__getitem__))

    @cached_property
    def slot_bit(self) -> dict[str, int]:
        """Each slot as one bit, in time order: sets of slots become cheap integer masks."""
        return {slot_id: 1 << rank for slot_id, rank in self.slot_rank.items()}

    @cached_property
    def available_mask(self) -> dict[str, int]:
        bit = self.slot_bit
        return {p.id: sum(bit[s] for s in p.available) for p in self.participants}

    def slots_in(self, mask: int) -> tuple[str, ...]:
        """The slots of a mask, earliest first."""
        found = self._slots_of_mask.get(mask)
        if found is None:
            ordered, rest, ids = self.slot_ids_in_order, mask, []
            while rest:
                lowest = rest & -rest
                ids.append(ordered[lowest.bit_length() - 1])
                rest ^= lowest
            found = self._slots_of_mask[mask] = tuple(ids)
        return found

    @cached_property
    def _slots_of_mask(self) -> dict[int, tuple[str, ...]]:
        """slots_in per mask, filled as asked: participants share few availability patterns."""
        return {}

    def common_mask(self, request: Request) -> int:
        first, second = request.parties
        return self.available_mask[first] & self.available_mask[second]

    @cached_property
    def requests_of(self) -> dict[str, tuple[Request, ...]]:
        by_participant: dict[str, list[Request]] = defaultdict(list)
        for request in self.requests:
            for party in request.parties:
                by_participant[party].append(request)
        return {pid: tuple(requests) for pid, requests in by_participant.items()}

    def common_slots(self, request: Request) -> tuple[str, ...]:
        """Slots both parties are available in, earliest first."""
        common = self._common.get(request.id)
        if common is None:
            common = self._common[request.id] = self.slots_in(self.common_mask(request))
        return common

    @cached_property
    def _common(self) -> dict[str, tuple[str, ...]]:
        """common_slots per request, filled as they are asked for (greedy asks often)."""
        return {}

    @cached_property
    def feasible_participants(self) -> frozenset[str]:
        """Participants with at least one request that has a common slot."""
        return frozenset(
            party
            for request in self.requests
            if self.common_mask(request)
            for party in request.parties
        )

    def with_confirmed(self, placements: Mapping[str, str]) -> Instance:
        """This instance with an earlier schedule's meetings locked where they still fit.

        For re-planning after a change: a placement is kept when its request is still
        there and not locked elsewhere, and both sides are still available and free in
        its slot; every other request is placed afresh.
        """
        self.validate()
        held = {(party, r.locked) for r in self.requests if r.locked for party in r.parties}
        bit = self.slot_bit
        requests = []
        for request in self.requests:
            slot_id = placements.get(request.id)
            if request.locked is None and self.common_mask(request) & bit.get(slot_id, 0):
                keys = {(party, slot_id) for party in request.parties}
                if not keys & held:
                    held |= keys
                    request = Request(request.id, request.parties, request.preferred, slot_id)
            requests.append(request)
        confirmed = replace(self, requests=tuple(requests))
        # Same slots and participants, and every new lock fits: what was computed about
        # them, and the validation, still hold (a re-plan should not pay for them twice).
        for name in _ABOUT_SLOTS_AND_PARTICIPANTS:
            if name in self.__dict__:
                confirmed.__dict__[name] = self.__dict__[name]
        return confirmed

    # -- validation ---------------------------------------------------------------------

    def validate(self) -> None:
        """Raise InstanceError with a human message for the first problem found."""
        if "_valid" in self.__dict__:
            return  # the instance is immutable: once is enough
        if not self.slots:
            raise InstanceError("The instance has no slots.")
        _no_duplicates("slot", (slot.id for slot in self.slots))
        at: dict[tuple[int, int], str] = {}
        for slot in self.slots:
            other = at.setdefault(slot.order, slot.id)
            if other != slot.id:
                raise InstanceError(
                    f"Slots {other!r} and {slot.id!r} are both day {slot.day}, index "
                    f"{slot.index}: one time cannot be two slots."
                )
        _no_duplicates("participant", (p.id for p in self.participants))
        _no_duplicates("request", (r.id for r in self.requests))
        for participant in self.participants:
            unknown = sorted(participant.available - self.slot_by_id.keys())
            if unknown:
                raise InstanceError(
                    f"Participant {participant.id!r} is available in unknown slot {unknown[0]!r}."
                )
        for request in self.requests:
            self._validate_request(request)
        self._validate_locked_clashes()
        self.__dict__["_valid"] = True

    def _validate_request(self, request: Request) -> None:
        if len(request.parties) != 2:
            raise InstanceError(f"Request {request.id!r} must have exactly two parties.")
        for party in request.parties:
            if party not in self.participant_by_id:
                raise InstanceError(f"Request {request.id!r} names unknown participant {party!r}.")
        if request.parties[0] == request.parties[1]:
            raise InstanceError(
                f"Request {request.id!r} has the same participant {request.parties[0]!r} "
                "on both sides."
            )
        for slot_id in (*request.preferred, request.locked):
            if slot_id is not None and slot_id not in self.slot_by_id:
                raise InstanceError(f"Request {request.id!r} refers to unknown slot {slot_id!r}.")
        if request.locked is not None:
            for party in request.parties:
                if request.locked not in self.participant_by_id[party].available:
                    raise InstanceError(
                        f"Request {request.id!r} is locked in slot {request.locked!r}, "
                        f"but participant {party!r} is not available then."
                    )

    def _validate_locked_clashes(self) -> None:
        holder: dict[tuple[str, str], str] = {}
        for request in self.requests:
            if request.locked is None:
                continue
            for party in request.parties:
                other = holder.setdefault((party, request.locked), request.id)
                if other != request.id:
                    raise InstanceError(
                        f"Participant {party!r} has two locked meetings in slot "
                        f"{request.locked!r}: {other!r} and {request.id!r}."
                    )

    # -- JSON (reading: instance_from_dict below) ------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "slots": [{"id": s.id, "day": s.day, "index": s.index} for s in self.slots],
            "participants": [
                {"id": p.id, "available": sorted(p.available, key=self.slot_rank.get)}
                for p in self.participants
            ],
            "requests": [
                {
                    "id": r.id,
                    "parties": list(r.parties),
                    "preferred": list(r.preferred),
                    "locked": r.locked,
                }
                for r in self.requests
            ],
        }


def _no_duplicates(kind: str, ids: Iterable[str]) -> None:
    repeated = [pid for pid, count in Counter(ids).items() if count > 1]
    if repeated:
        raise InstanceError(f"Duplicate {kind} id {repeated[0]!r}.")


# -- reading the JSON format -------------------------------------------------------------------------------

# A tour lasts at most a year, and a day has at most 1,440 one-minute slots.
MAX_DAY = 365
MAX_INDEX = 1439
_MAX_ID_LENGTH = 200


def instance_from_dict(data: Any) -> Instance:
    """Read the JSON format of docs/scheduling.md, strictly (not yet validated).

    Anything but the documented shape is refused with an InstanceError naming the field:
    unknown or missing fields, a fraction, a boolean or a text where a whole number
    belongs, numbers out of range, ids that are not texts, lists that repeat an entry.
    """
    top = _object(data, "the instance", required=("slots", "participants", "requests"))
    return Instance(
        slots=tuple(_slot(item, f"slots[{i}]") for i, item in _items(top["slots"], "slots")),
        participants=tuple(
            _participant(item, f"participants[{i}]")
            for i, item in _items(top["participants"], "participants")
        ),
        requests=tuple(
            _request(item, f"requests[{i}]") for i, item in _items(top["requests"], "requests")
        ),
    )


def _object(
    data: Any, where: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise InstanceError(f"{where}: expected an object, got {_kind(data)}.")
    for name in required:
        if name not in data:
            raise InstanceError(f"{where}: missing field {name!r}.")
    # A list, not sets: an object has a handful of fields, and an instance tens of thousands.
    unknown = sorted((k for k in data if k not in required and k not in optional), key=str)
    if unknown:
        raise InstanceError(
            f"{where}: unknown field {unknown[0]!r} (expected {', '.join(required + optional)})."
        )
    return data


def _items(data: Any, where: str) -> Iterable[tuple[int, Any]]:
    if not isinstance(data, list):
        raise InstanceError(f"{where}: expected a list, got {_kind(data)}.")
    return enumerate(data)


def _slot(data: Any, where: str) -> Slot:
    item = _object(data, where, required=("id", "day", "index"))
    return Slot(
        id=_id(item["id"], f"{where}.id"),
        day=_whole(item["day"], f"{where}.day", MAX_DAY),
        index=_whole(item["index"], f"{where}.index", MAX_INDEX),
    )


def _participant(data: Any, where: str) -> Participant:
    item = _object(data, where, required=("id", "available"))
    return Participant(
        id=_id(item["id"], f"{where}.id"),
        available=frozenset(_ids(item["available"], f"{where}.available")),
    )


def _request(data: Any, where: str) -> Request:
    item = _object(data, where, required=("id", "parties"), optional=("preferred", "locked"))
    # The same participant twice is for validate() to explain.
    parties = _ids(item["parties"], f"{where}.parties", unique=False)
    if len(parties) != 2:
        raise InstanceError(f"{where}.parties: expected two participants, got {len(parties)}.")
    locked = item.get("locked")
    return Request(
        id=_id(item["id"], f"{where}.id"),
        parties=(parties[0], parties[1]),
        preferred=tuple(_ids(item.get("preferred") or [], f"{where}.preferred")),
        locked=None if locked is None else _id(locked, f"{where}.locked"),
    )


def _id(data: Any, where: str) -> str:
    if not isinstance(data, str) or not data.strip():
        raise InstanceError(f"{where}: expected a non-empty text id, got {_kind(data)}.")
    if len(data) > _MAX_ID_LENGTH:
        raise InstanceError(f"{where}: an id has at most {_MAX_ID_LENGTH} characters.")
    return data


def _ids(data: Any, where: str, *, unique: bool = True) -> list[str]:
    if isinstance(data, list) and all(_plain_id(item) for item in data):
        ids = list(data)  # the common case, without naming each item
    else:
        ids = [_id(item, f"{where}[{i}]") for i, item in _items(data, where)]
    if unique and len(set(ids)) != len(ids):
        counts = Counter(ids)
        repeated = next(i for i in ids if counts[i] > 1)
        raise InstanceError(f"{where}: {repeated!r} is listed twice.")
    return ids


def _plain_id(data: Any) -> bool:
    """What ``_id`` accepts, asked without building the name of the field."""
    return type(data) is str and 0 < len(data) <= _MAX_ID_LENGTH and not data.isspace()


def _whole(data: Any, where: str, most: int) -> int:
    # bool is an int in Python, but `true` is not a day.
    if isinstance(data, bool) or not isinstance(data, int):
        raise InstanceError(f"{where}: expected a whole number, got {_kind(data)}.")
    if not 0 <= data <= most:
        shown = data if abs(data) < 10**12 else "a number that large"
        raise InstanceError(f"{where}: expected a whole number from 0 to {most}, got {shown}.")
    return data


def _kind(data: Any) -> str:
    """How a JSON value is described in a message, without echoing a huge value."""
    if data is None:
        return "null"
    if isinstance(data, bool):
        return f"the boolean {str(data).lower()}"
    if isinstance(data, int):
        return f"the number {data}" if abs(data) < 10**12 else "a very large number"
    if isinstance(data, float):
        return f"the number {data!r}"
    if isinstance(data, str):
        return f"the text {data[:40]!r}" + ("…" if len(data) > 40 else "")
    if isinstance(data, list):
        return "a list"
    if isinstance(data, dict):
        return "an object"
    return type(data).__name__


@dataclass(frozen=True)
class Result:
    placements: dict[str, str]
    unplaced: dict[str, Reason]
    upper_bound: int
    optimal: bool
    moved: frozenset[str] = field(default_factory=frozenset)
    # The run was asked to stop before its time limit; this is the best schedule by then.
    interrupted: bool = False
    # No schedule leaves fewer participants without a meeting than this.
    without_meeting_bound: int = 0

    @property
    def placed(self) -> int:
        return len(self.placements)

    def meetings_per_participant(self, instance: Instance) -> dict[str, int]:
        counts = dict.fromkeys(instance.participant_by_id, 0)
        for request_id in self.placements:
            for party in instance.request_by_id[request_id].parties:
                counts[party] += 1
        return counts

    def participants_without_meeting(self, instance: Instance) -> frozenset[str]:
        """Participants with a request that could be placed, yet no meeting at all."""
        counts = self.meetings_per_participant(instance)
        return frozenset(pid for pid in instance.feasible_participants if counts[pid] == 0)

    def largest_idle_gaps(self, instance: Instance) -> dict[tuple[str, int], int]:
        """Largest idle gap per (participant, day) that has at least one meeting.

        An idle gap counts the slots between two consecutive meetings of one participant
        on one day in which that participant is available; see `largest_idle_gaps`.
        """
        return largest_idle_gaps(instance, self.placements)

    def to_dict(self, instance: Instance) -> dict[str, Any]:
        requests = {}
        for request in instance.requests:
            if request.id in self.placements:
                requests[request.id] = {"slot": self.placements[request.id]}
            else:
                reason = self.unplaced[request.id]
                requests[request.id] = {"reason": reason.value, "explanation": reason.describe()}
        return {
            "requests": requests,
            "placed": self.placed,
            "upper_bound": self.upper_bound,
            "optimal": self.optimal,
            "moved": sorted(self.moved),
            "without_meeting": len(self.participants_without_meeting(instance)),
            "without_meeting_bound": self.without_meeting_bound,
            "interrupted": self.interrupted,
        }


def largest_idle_gaps(
    instance: Instance, placements: Mapping[str, str], *, unavailable_is_idle: bool = False
) -> dict[tuple[str, int], int]:
    """Largest idle gap per (participant, day) with at least one meeting.

    An idle slot lies between two consecutive meetings of a participant on one day and
    is one the participant could have met in. A slot they are unavailable in (a session,
    their own blocked time) is not idle, and neither is a break in the window. With
    `unavailable_is_idle` every slot index between the two meetings counts instead,
    breaks included: the coarser measure used before, kept for comparison.
    """
    indexes: dict[tuple[str, int], list[int]] = defaultdict(list)
    for request_id, slot_id in placements.items():
        slot = instance.slot_by_id[slot_id]
        for party in instance.request_by_id[request_id].parties:
            indexes[(party, slot.day)].append(slot.index)
    available: dict[tuple[str, int], set[int]] = defaultdict(set)
    if not unavailable_is_idle:
        for participant in instance.participants:
            for slot_id in participant.available:
                slot = instance.slot_by_id[slot_id]
                available[(participant.id, slot.day)].add(slot.index)
    gaps = {}
    for key, values in indexes.items():
        values.sort()
        if unavailable_is_idle:
            idle = (b - a - 1 for a, b in itertools.pairwise(values))
        else:
            free = available[key]
            idle = (sum(a < i < b for i in free) for a, b in itertools.pairwise(values))
        gaps[key] = max(idle, default=0)
    return gaps
