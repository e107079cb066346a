"""Plain data types of the scheduling problem: the instance, the result and the reasons."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any


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
            first, second = (self.participant_by_id[pid].available for pid in request.parties)
            common = tuple(sorted(first & second, key=self.slot_rank.__getitem__))
            self._common[request.id] = common
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
            if self.common_slots(request)
            for party in request.parties
        )

    # -- validation ---------------------------------------------------------------------

    def validate(self) -> None:
        """Raise InstanceError with a human message for the first problem found."""
        if "_valid" in self.__dict__:
            return  # the instance is immutable: once is enough
        if not self.slots:
            raise InstanceError("The instance has no slots.")
        _no_duplicates("slot", (slot.id for slot in self.slots))
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

    # -- JSON ---------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instance:
        """Build an instance from the JSON format in docs/scheduling.md (not validated)."""
        try:
            return cls(
                slots=tuple(
                    Slot(id=str(s["id"]), day=int(s["day"]), index=int(s["index"]))
                    for s in data["slots"]
                ),
                participants=tuple(
                    Participant(id=str(p["id"]), available=frozenset(map(str, p["available"])))
                    for p in data["participants"]
                ),
                requests=tuple(_request_from_dict(r) for r in data["requests"]),
            )
        except KeyError as missing:
            raise InstanceError(f"Missing field {missing.args[0]!r} in the instance.") from None
        except (TypeError, ValueError, AttributeError) as error:
            raise InstanceError(f"Malformed instance: {error}.") from None

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


def _request_from_dict(data: Mapping[str, Any]) -> Request:
    parties = tuple(map(str, data["parties"]))
    if len(parties) != 2:
        raise InstanceError(f"Request {data['id']!r} must have exactly two parties.")
    locked = data.get("locked")
    return Request(
        id=str(data["id"]),
        parties=(parties[0], parties[1]),
        preferred=tuple(map(str, data.get("preferred") or ())),
        locked=None if locked is None else str(locked),
    )


def _no_duplicates(kind: str, ids: Iterable[str]) -> None:
    repeated = [pid for pid, count in Counter(ids).items() if count > 1]
    if repeated:
        raise InstanceError(f"Duplicate {kind} id {repeated[0]!r}.")


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
