"""Translate the tour's data to and from the pure scheduling core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import MeetingRequest, Tour
from ..scheduling import Instance, Participant, Reason, Request, Slot, earliest_slot
from ..selectors.occupancy import occupancy
from ..selectors.slots import SlotTime


def tandem_key(tandem_id: int) -> str:
    return f"t{tandem_id}"


def institution_key(institution_id: int) -> str:
    return f"i{institution_id}"


@dataclass
class TourInstance:
    instance: Instance
    slots_by_id: dict[str, SlotTime]
    requests_by_id: dict[str, MeetingRequest]


def build_instance(
    tour: Tour, requests: list[MeetingRequest], locked: dict[int, datetime] | None = None
) -> TourInstance:
    """The scheduling instance for ``requests``. ``locked`` maps a request to the start of its
    current meeting, which becomes a locked placement; every other meeting of the tour only makes
    its parties busy."""
    locked = locked or {}
    occupied = occupancy(
        tour,
        tandem_ids={r.tandem_id for r in requests},
        institution_ids={r.institution_id for r in requests},
        exclude_request_ids=[r.pk for r in requests],
    )
    slots = occupied.slots
    slots_by_id = {s.id: s for s in slots}
    by_start = {s.starts_at: s.id for s in slots}
    all_ids = frozenset(slots_by_id)
    participants: dict[str, Participant] = {}
    scheduling_requests = []
    for request in requests:
        tandem, institution = tandem_key(request.tandem_id), institution_key(request.institution_id)
        participants.setdefault(
            tandem, Participant(tandem, all_ids - occupied.busy(tandem_id=request.tandem_id))
        )
        participants.setdefault(
            institution,
            Participant(
                institution, all_ids - occupied.busy(institution_id=request.institution_id)
            ),
        )
        preferred = tuple(
            by_start[p.starts_at] for p in request.preferred_slots.all() if p.starts_at in by_start
        )
        if request.proposed_start in by_start:
            preferred = (by_start[request.proposed_start], *preferred)
        scheduling_requests.append(
            Request(
                id=str(request.pk),
                parties=(tandem, institution),
                preferred=preferred,
                locked=by_start.get(locked.get(request.pk)),
            )
        )
    instance = Instance(
        slots=tuple(Slot(s.id, s.day, s.index) for s in slots),
        participants=tuple(participants.values()),
        requests=tuple(scheduling_requests),
    )
    return TourInstance(instance, slots_by_id, {str(r.pk): r for r in requests})


def first_slot_for(request: MeetingRequest) -> SlotTime | Reason:
    """The earliest slot free for both sides, the requester's preferred slots first."""
    built = build_instance(request.tour, [request])
    if not built.instance.slots:
        return Reason.PARTICIPANT_UNAVAILABLE
    found = earliest_slot(built.instance, str(request.pk))
    # Reason is a StrEnum, so ask for it first: a slot id is a plain string.
    return found if isinstance(found, Reason) else built.slots_by_id[found]
