"""The organisers' batch scheduling: plan with the optimiser, show the plan, then apply it.

``plan_schedule`` only reads: it puts every accepted request of the tour into the scheduling
core (meetings already scheduled are locked where they are) and turns the result into a report.
``apply_schedule`` saves a plan in one transaction through the meeting services, so every new
meeting and every move is audited and notified exactly as if an organiser had made it by hand.
It refuses a plan whose inputs changed after planning.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import LogAction, MeetingStatus, RequestStatus
from ..models import Meeting, MeetingRequest, Tour, TourDay, User
from ..permissions import is_organiser
from ..places import at_local
from ..reasons import unscheduled_reason_text
from ..scheduling import InstanceError, Result
from ..selectors.slots import SlotTime, tour_slots
from ..windows import break_problem, window_date_problem, window_problem
from .activity import from_to, log_actions
from .errors import DomainError
from .meetings import default_video_provider, new_video_room
from .placement import TourInstance, build_instance, institution_key, tandem_key

if TYPE_CHECKING:
    from ..scheduling.optimiser import Progress


@dataclass(frozen=True)
class PlannedMeeting:
    request_id: int
    tandem: str
    institution: str
    starts_at: datetime
    ends_at: datetime
    # Set for a move: where the meeting is now.
    previous_start: datetime | None = None


@dataclass(frozen=True)
class UnplacedRequest:
    request_id: int
    tandem: str
    institution: str
    reason: str

    @property
    def explanation(self) -> str:
        return unscheduled_reason_text(self.reason)


@dataclass(frozen=True)
class ParticipantMeetings:
    name: str
    is_tandem: bool
    meetings: int


@dataclass(frozen=True)
class SchedulePlan:
    """What the optimiser proposes for a tour, as shown to the organiser before saving."""

    tour_id: int
    tour_name: str
    time_limit: float
    allow_moves: bool
    # Digest of everything the plan was computed from; apply refuses when it changed.
    fingerprint: str
    kept: int
    new: tuple[PlannedMeeting, ...]
    moves: tuple[PlannedMeeting, ...]
    unplaced: tuple[UnplacedRequest, ...]
    per_participant: tuple[ParticipantMeetings, ...]
    # Participants with a request that could be placed, yet no meeting in this plan.
    without_meeting: tuple[str, ...]
    upper_bound: int
    optimal: bool
    warnings: tuple[str, ...]
    # The organiser stopped the run: this is the best plan found until then.
    interrupted: bool = False

    @property
    def placed(self) -> int:
        return self.kept + len(self.new) + len(self.moves)

    @property
    def changes(self) -> int:
        return len(self.new) + len(self.moves)

    def to_dict(self) -> dict:
        """The plan as JSON, kept on its planning run until an organiser saves it."""
        data = asdict(self)
        for key in ("new", "moves"):
            for item in data[key]:
                for name in ("starts_at", "ends_at", "previous_start"):
                    item[name] = item[name] and item[name].isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SchedulePlan:
        try:
            return cls(
                **{
                    **data,
                    "new": tuple(_meeting_from(item) for item in data["new"]),
                    "moves": tuple(_meeting_from(item) for item in data["moves"]),
                    "unplaced": tuple(UnplacedRequest(**item) for item in data["unplaced"]),
                    "per_participant": tuple(
                        ParticipantMeetings(**item) for item in data["per_participant"]
                    ),
                    "without_meeting": tuple(data["without_meeting"]),
                    "warnings": tuple(data["warnings"]),
                }
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError(_("This plan could not be read; please plan again.")) from exc


def _meeting_from(item: dict) -> PlannedMeeting:
    previous = item["previous_start"]
    return PlannedMeeting(
        **{
            **item,
            "starts_at": datetime.fromisoformat(item["starts_at"]),
            "ends_at": datetime.fromisoformat(item["ends_at"]),
            "previous_start": datetime.fromisoformat(previous) if previous else None,
        }
    )


def _when(moment: datetime, tour: Tour) -> str:
    """A time in a warning: the planner runs in the background, where no reader's zone is
    active, so the zone is always named, with the other home zone beside it."""
    return at_local(moment, tour.tandem_time_zone, tour.partner_time_zone)


def tour_problems(tour: Tour) -> list[str]:
    """Set-up problems of the tour's days an organiser should fix before scheduling."""
    problems = []
    for day in tour.days.order_by("date").prefetch_related("breaks"):
        found = [
            window_problem(
                slot_minutes=tour.slot_minutes,
                window_start=day.window_start,
                window_end=day.window_end,
            ),
            window_date_problem(
                day=day.date,
                window_start=day.window_start,
                time_zones=(tour.tandem_time_zone, tour.partner_time_zone),
            ),
            *(
                break_problem(
                    window_start=day.window_start,
                    window_end=day.window_end,
                    starts_at=window_break.starts_at,
                    ends_at=window_break.ends_at,
                )
                for window_break in day.breaks.all()
            ),
        ]
        problems += [f"{day.date.isoformat()}: {problem}" for problem in found if problem]
    if not tour_slots(tour):
        problems.append(_("The tour has no meeting slots: add days with a meeting window."))
    return problems


Span = tuple[datetime, datetime]


def meetings_left_out(
    *, day: TourDay, window: Span | None, breaks: list[Span] | None = None
) -> list[Meeting]:
    """Scheduled meetings of the stored ``day`` that would no longer sit in one of its slots
    with this meeting window (None: the day is deleted) and these breaks (None: its stored
    ones). A meeting outside every slot is in nobody's grid, yet both sides still expect it."""
    stored = TourDay.objects.get(pk=day.pk)
    meetings = Meeting.objects.filter(
        tour_id=stored.tour_id,
        status=MeetingStatus.SCHEDULED,
        starts_at__lt=stored.window_end,
        ends_at__gt=stored.window_start,
    ).select_related("tandem", "institution", "tour")
    if window is None:
        return list(meetings)
    if breaks is None:
        breaks = list(stored.breaks.values_list("starts_at", "ends_at"))
    window_start, window_end = window
    length = timedelta(minutes=stored.tour.slot_minutes)
    return [
        meeting
        for meeting in meetings
        if meeting.starts_at < window_start
        or meeting.ends_at > window_end
        or (meeting.starts_at - window_start) % length
        or any(start < meeting.ends_at and end > meeting.starts_at for start, end in breaks)
    ]


def left_out_message(meetings: list[Meeting]) -> str:
    return _(
        "Scheduled meetings would no longer be in one of the day's slots: %(meetings)s. Move or "
        "cancel those meetings first."
    ) % {"meetings": "; ".join(str(m) for m in meetings[:5])}


def schedulable_requests(tour: Tour):
    """Accepted requests with no meeting yet or with a scheduled one, in acceptance order."""
    return (
        MeetingRequest.objects.filter(tour=tour, status=RequestStatus.ACCEPTED)
        .filter(Q(meeting__isnull=True) | Q(meeting__status=MeetingStatus.SCHEDULED))
        .select_related("tandem", "institution", "meeting")
        .prefetch_related("preferred_slots")
        .order_by("acted_at", "pk")
    )


def _pair(request: MeetingRequest) -> str:
    return f"{request.tandem} ↔ {request.institution}"


@dataclass
class _Built:
    tour_instance: TourInstance
    requests: list[MeetingRequest]
    names: dict[str, str]
    warnings: list[str]
    fingerprint: str

    def has_meeting(self, request: MeetingRequest) -> bool:
        return hasattr(request, "meeting")


def _build(tour: Tour, requests: list[MeetingRequest]) -> _Built:
    """The scheduling instance, leaving out scheduled meetings that sit where they no longer
    fit: they keep their slot busy and are reported, for the organiser to move by hand."""
    warnings = tour_problems(tour)
    slot_starts = {slot.starts_at for slot in tour_slots(tour)}
    left_out: set[int] = set()
    for request in requests:
        meeting = getattr(request, "meeting", None)
        if meeting is not None and meeting.starts_at not in slot_starts:
            left_out.add(request.pk)
            warnings.append(
                _(
                    "The meeting %(pair)s at %(time)s is not in one of the tour's slots; it stays "
                    "where it is. Move it in the meeting grid."
                )
                % {"pair": _pair(request), "time": _when(meeting.starts_at, tour)}
            )
    while True:
        kept = [r for r in requests if r.pk not in left_out]
        locked = {r.pk: r.meeting.starts_at for r in kept if hasattr(r, "meeting")}
        built = build_instance(tour, kept, locked)
        instance = built.instance
        clashing = [
            r
            for r in kept
            if r.pk in locked
            and any(
                instance.request_by_id[str(r.pk)].locked
                not in instance.participant_by_id[party].available
                for party in instance.request_by_id[str(r.pk)].parties
            )
        ]
        if not clashing:
            break
        for request in clashing:
            left_out.add(request.pk)
            warnings.append(
                _(
                    "The meeting %(pair)s at %(time)s clashes with a session or a slot one side "
                    "marked unavailable; it stays where it is. Move it in the meeting grid."
                )
                % {"pair": _pair(request), "time": _when(request.meeting.starts_at, tour)}
            )
    names = {}
    for request in kept:
        names[tandem_key(request.tandem_id)] = str(request.tandem)
        names[institution_key(request.institution_id)] = str(request.institution)
    for participant in instance.participants:
        if not participant.available:
            warnings.append(
                _(
                    "%(name)s has no free slot at all: every slot is marked unavailable or taken "
                    "by a session or a meeting."
                )
                % {"name": names[participant.id]}
            )
    digest = {
        "instance": instance.to_dict(),
        "slots": {
            slot_id: [slot.starts_at.isoformat(), slot.ends_at.isoformat()]
            for slot_id, slot in built.slots_by_id.items()
        },
    }
    fingerprint = hashlib.sha256(json.dumps(digest, sort_keys=True).encode()).hexdigest()
    return _Built(built, kept, names, warnings, fingerprint)


def plan_schedule(
    *,
    tour: Tour,
    time_limit: float = 10.0,
    allow_moves: bool = False,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[Progress], object] | None = None,
) -> SchedulePlan:
    """Propose meeting times for every accepted request of ``tour`` that has none; saves nothing.

    Scheduled meetings stay where they are unless ``allow_moves``; the optimiser then moves one
    only when that lets more meetings take place. ``should_stop`` and ``on_progress`` are the
    optimiser's (a background run passes them, see services/planning.py): once ``should_stop``
    says so, the plan is the best one found until then, marked ``interrupted``.
    """
    if not 0 < time_limit <= 3600:
        raise DomainError(_("The time limit must be more than 0 seconds and at most one hour."))
    built = _build(tour, list(schedulable_requests(tour)))
    instance = built.tour_instance.instance
    if not instance.slots:
        raise DomainError(_("The tour has no meeting slots: add days with a meeting window."))
    # Imported here, not at the top: this module is loaded by the admin in every web process,
    # which must not load OR-Tools (see docs/performance.md).
    from ..scheduling.optimiser import optimise

    try:
        result = (
            optimise(
                instance,
                time_limit=time_limit,
                allow_moves=allow_moves,
                should_stop=should_stop,
                on_progress=on_progress,
            )
            if instance.requests
            else Result(placements={}, unplaced={}, upper_bound=0, optimal=True)
        )
    except InstanceError as exc:
        raise DomainError(
            _("The tour cannot be scheduled as it is: %(problem)s") % {"problem": exc}
        ) from exc
    slots_by_id = built.tour_instance.slots_by_id
    kept, new, moves, unplaced = 0, [], [], []
    for request in built.requests:
        slot_id = result.placements.get(str(request.pk))
        if slot_id is None:
            if built.has_meeting(request):
                # The core keeps every locked meeting; anything else would be a bug there.
                raise DomainError(_("The optimiser dropped a scheduled meeting; nothing planned."))
            unplaced.append(
                UnplacedRequest(
                    request_id=request.pk,
                    tandem=str(request.tandem),
                    institution=str(request.institution),
                    reason=result.unplaced[str(request.pk)].value,
                )
            )
            continue
        slot: SlotTime = slots_by_id[slot_id]
        planned = PlannedMeeting(
            request_id=request.pk,
            tandem=str(request.tandem),
            institution=str(request.institution),
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            previous_start=request.meeting.starts_at if built.has_meeting(request) else None,
        )
        if planned.previous_start is None:
            new.append(planned)
        elif planned.previous_start == planned.starts_at:
            kept += 1
        else:
            moves.append(planned)
    counts = result.meetings_per_participant(instance)
    per_participant = sorted(
        (
            ParticipantMeetings(name=built.names[pid], is_tandem=pid.startswith("t"), meetings=n)
            for pid, n in counts.items()
        ),
        key=lambda row: (row.meetings, not row.is_tandem, row.name),
    )
    warnings = built.warnings
    if _move_order(moves, built.requests) is None:
        warnings.append(
            _(
                "The planned moves swap meetings in a circle, which cannot be saved one move at a "
                "time. Plan again without moves, or move these meetings in the meeting grid."
            )
        )
    return SchedulePlan(
        tour_id=tour.pk,
        tour_name=str(tour),
        time_limit=float(time_limit),
        allow_moves=allow_moves,
        fingerprint=built.fingerprint,
        kept=kept,
        new=tuple(sorted(new, key=lambda m: (m.starts_at, m.tandem))),
        moves=tuple(sorted(moves, key=lambda m: (m.starts_at, m.tandem))),
        unplaced=tuple(unplaced),
        per_participant=tuple(per_participant),
        without_meeting=tuple(
            sorted(built.names[pid] for pid in result.participants_without_meeting(instance))
        ),
        upper_bound=result.upper_bound,
        optimal=result.optimal,
        warnings=tuple(warnings),
        interrupted=result.interrupted,
    )


def _move_order(
    moves: list[PlannedMeeting] | tuple[PlannedMeeting, ...], requests: list[MeetingRequest]
) -> list[PlannedMeeting] | None:
    """The moves in an order in which each one's new slot is already free for both sides, or
    None when some of them wait on each other in a circle."""
    by_pk = {r.pk: r for r in requests}
    holder = {}
    for request in requests:
        meeting = getattr(request, "meeting", None)
        if meeting is not None:
            holder[("t", request.tandem_id, meeting.starts_at)] = request.pk
            holder[("i", request.institution_id, meeting.starts_at)] = request.pk

    def keys(planned: PlannedMeeting, start: datetime):
        request = by_pk[planned.request_id]
        return [("t", request.tandem_id, start), ("i", request.institution_id, start)]

    pending, ordered = list(moves), []
    while pending:
        ready = next(
            (
                m
                for m in pending
                if all(
                    holder.get(key, m.request_id) == m.request_id for key in keys(m, m.starts_at)
                )
            ),
            None,
        )
        if ready is None:
            return None
        for key in keys(ready, ready.previous_start):
            holder.pop(key, None)
        for key in keys(ready, ready.starts_at):
            holder[key] = ready.request_id
        pending.remove(ready)
        ordered.append(ready)
    return ordered


def _ensure_plan_fits(built: _Built, plan: SchedulePlan) -> None:
    """Each new meeting and move of ``plan`` in a slot of the tour free for both sides (no
    session, unavailable mark or meeting outside the plan), and nobody in two meetings at once:
    read from the instance already built, so checking costs no query."""
    instance = built.tour_instance.instance
    slot_of = {slot.starts_at: slot_id for slot_id, slot in built.tour_instance.slots_by_id.items()}
    by_pk = {r.pk: r for r in built.requests}
    moves = {m.request_id for m in plan.moves}
    planned = {m.request_id: m.starts_at for m in (*plan.new, *plan.moves)}
    for request_id in planned:
        request = by_pk.get(request_id)
        if request is None or built.has_meeting(request) != (request_id in moves):
            raise DomainError(
                _("This plan no longer matches the tour's requests; please plan again.")
            )
    taken: set[tuple[str, str]] = set()
    for request in built.requests:
        parties = instance.request_by_id[str(request.pk)].parties
        if request.pk in planned:
            start = planned[request.pk]
            slot_id = slot_of.get(start)
            free = slot_id is not None and all(
                slot_id in instance.participant_by_id[party].available for party in parties
            )
        elif built.has_meeting(request):  # kept where it is, in one of the slots (see _build)
            start, free = request.meeting.starts_at, True
            slot_id = slot_of[start]
        else:
            continue
        if not free or any((party, slot_id) in taken for party in parties):
            raise DomainError(
                _(
                    "%(pair)s cannot meet at %(time)s: one side is busy then. Nothing was "
                    "saved; please plan again."
                )
                % {"pair": _pair(request), "time": _when(start, request.tour)}
            )
        taken.update((party, slot_id) for party in parties)


def apply_schedule(*, actor: User | None, plan: SchedulePlan) -> SchedulePlan:
    """Save ``plan``: move meetings, then place the new ones, all or nothing.

    ``actor`` is the organiser confirming the plan, or None for the server's command line.
    Refused, with nothing saved, when anything the plan was computed from has changed since
    (requests, meetings, sessions, availability, days), or when a slot was taken meanwhile.

    The work is done in bulk, not through ``move_meeting``/``schedule_meeting`` one by one: one
    UPDATE per move (in an order where each target is already free, as the database's rules
    against double booking check every row), one INSERT for all new meetings, one for their
    log entries and one for their e-mails (outbox), so its number of queries grows by about one
    per move and not at all per new meeting. The checks those services make are made once for
    the whole plan: the tour row locked FOR UPDATE (every per-party change takes a share lock
    on it first), the fingerprint, ``_ensure_plan_fits``; the unique indexes remain the last
    word on double booking.
    """
    if actor is not None and not is_organiser(actor):
        raise DomainError(_("Only organisers can apply a meeting schedule."))
    with transaction.atomic():
        # One apply per tour at a time, and no per-party change of the tour meanwhile.
        tour = Tour.objects.select_for_update().filter(pk=plan.tour_id).first()
        if tour is None:
            raise DomainError(_("This tour no longer exists."))
        requests = list(schedulable_requests(tour).select_for_update(of=("self",)))
        built = _build(tour, requests)
        if built.fingerprint != plan.fingerprint:
            raise DomainError(
                _(
                    "Something changed since this plan was made (a request, a meeting, a "
                    "session, someone's availability or the tour's days). Nothing was saved; "
                    "please plan again."
                )
            )
        _ensure_plan_fits(built, plan)
        by_pk = {r.pk: r for r in built.requests}
        ordered = _move_order(plan.moves, built.requests)
        if ordered is None:
            raise DomainError(
                _(
                    "The planned moves swap meetings in a circle, which cannot be saved one move "
                    "at a time. Nothing was saved; plan again without moves."
                )
            )
        try:
            with transaction.atomic():
                moved = _save_moves(ordered, by_pk)
                created = _save_new_meetings(tour, plan.new, by_pk)
        except IntegrityError as exc:
            raise DomainError(
                _(
                    "Somebody took one of these slots a moment ago. Nothing was saved; please plan again."
                )
            ) from exc
        log_actions(
            actor=actor,
            entries=[
                (meeting, LogAction.MOVE, {"starts_at": from_to(before, meeting.starts_at)})
                for meeting, before in moved
            ]
            + [
                (
                    meeting,
                    LogAction.SCHEDULE,
                    {"status": from_to(None, meeting.status), "starts_at": meeting.starts_at},
                )
                for meeting in created
            ],
        )
        notifications.meetings_moved(moved)
        notifications.meetings_scheduled(created)
        reasons: dict[str, list[int]] = defaultdict(list)
        for unplaced in plan.unplaced:
            reasons[unplaced.reason].append(unplaced.request_id)
        for reason, request_ids in reasons.items():
            # Both sides see the current reason on their pages.
            MeetingRequest.objects.filter(pk__in=request_ids).update(unscheduled_reason=reason)
    return plan


def _save_moves(
    ordered: list[PlannedMeeting], by_pk: dict[int, MeetingRequest]
) -> list[tuple[Meeting, datetime]]:
    """Each move as one UPDATE, in order; the meetings with where each was before."""
    moved = []
    now = timezone.now()
    for planned in ordered:
        meeting = by_pk[planned.request_id].meeting
        before = meeting.starts_at
        meeting.starts_at, meeting.ends_at = planned.starts_at, planned.ends_at
        meeting.sequence += 1
        meeting.updated_at = now
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            sequence=meeting.sequence,
            updated_at=now,
        )
        moved.append((meeting, before))
    return moved


def _save_new_meetings(
    tour: Tour, planned: tuple[PlannedMeeting, ...], by_pk: dict[int, MeetingRequest]
) -> list[Meeting]:
    """All new meetings in one INSERT, each with a new video room; their requests' reasons for
    having no meeting cleared in one UPDATE."""
    if not planned:
        return []
    provider = default_video_provider(tour.pk)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                request=by_pk[p.request_id],
                tour=tour,
                tandem=by_pk[p.request_id].tandem,
                institution=by_pk[p.request_id].institution,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                video_url=new_video_room(provider),
                video_provider=provider,
            )
            for p in planned
        ]
    )
    MeetingRequest.objects.filter(pk__in=[p.request_id for p in planned]).exclude(
        unscheduled_reason=""
    ).update(unscheduled_reason="")
    return meetings
