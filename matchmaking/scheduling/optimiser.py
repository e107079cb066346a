"""CP-SAT optimiser: most meetings, then nobody left out, then compact days.

1. Bound and placement. The LP relaxation (GLOP; also the upper bound) is solved first;
   its solution is usually integral or nearly so. The better of its rounding and the
   greedy result seeds CP-SAT, which on large instances only chooses among the slots the
   LP or the seed uses: the whole model is far too slow for CP-SAT on 2 cores, the
   reduced one takes seconds.
2. Repair. Large neighbourhood search: free the requests around a participant without
   a meeting (or, below the bound, a side of a request left out), keep every other
   meeting where it is, and let CP-SAT re-solve that small model (placed meetings, then
   participants with a meeting, then idle slots). A neighbourhood is only taken over
   when it places more or leaves fewer without a meeting, so the result never falls
   below the greedy baseline. Small instances are one neighbourhood.
3. Moves (only when allowed): the same search with confirmed meetings free to move but
   never dropped, taken only when it places more, so a run with moves never places fewer
   than one without and moves nothing for nothing.
4. Compaction (compaction.py). A local search with the placed meetings fixed moves and
   swaps meetings to close idle gaps longer than two slots, for the time that is left.

Every stage works within the run's deadline, bound included, and hands back the best
schedule it has when the deadline passes or the caller asks to stop (see control.py).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from .bound import Options, Relaxation, capacity_bound, lp_relaxation, options
from .compaction import Compactor
from .control import Deadline
from .greedy import Bookings, fill, first_free, result_for
from .model import Instance, Result

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

# Passes as long as the greedy one that compaction needs to be set up and make room.
_SET_UP_PASSES = 3
# Share of the time left that making room may spend on exchanges (a meeting dropped for
# a request left out, when that places another); they continue during compaction.
_ROOM_SHARE = 0.2
# Share of the time left that the LP bound may use; without it the capacity bound stands.
_BOUND_SHARE = 0.4
# An LP this small takes well under a second; a larger one is solved only while the
# schedule is further from the capacity bound than this share of it.
_SMALL_LP_COLUMNS = 60_000
_CLOSE_ENOUGH = 0.001
# Share of the time left after the LP that placement may use; the rest polishes.
_PLACEMENT_SHARE = 0.4
# Up to this many open requests CP-SAT gets the whole model and can prove optimality.
_WHOLE_MODEL_REQUESTS = 300
_NEIGHBOURHOOD_REQUESTS = 15
_NEIGHBOURHOOD_SECONDS = 0.1
# A model of 15 requests is solved at once by one worker; a second only adds overhead.
_NEIGHBOURHOOD_WORKERS = 1
# Below this CP-SAT rarely gets past presolve, so a solve is not worth starting.
_MIN_SOLVE_SECONDS = 0.05
# Share of the time left for the whole-model solve of a small instance that is kept
# for compaction, which targets the days split by a long idle gap directly.
_COMPACTION_SHARE = 0.25
# Share of the time left that large neighbourhood search may spend on placing more
# meetings and on participants without one; compaction gets the rest.
_REPAIR_SHARE = 0.3
# Neighbourhoods in a row that gained nothing before the search gives up.
_FUTILE_TRIES = 40
# Share of the time left that moving confirmed meetings may use, when allowed.
_MOVES_SHARE = 0.5
_SEED = 20210315  # the tour's first day; neighbourhoods are chosen reproducibly

Placements = dict[str, str]


def _cp_sat() -> ModuleType:
    """OR-Tools' CP-SAT, imported when first needed: it loads pandas and NumPy (half a
    second, several on a busy machine), which a run that needs no solver (a re-plan, a
    short limit, an instance where moving meetings aside reaches the bound) does without."""
    from ortools.sat.python import cp_model

    return cp_model


@dataclass(frozen=True)
class Progress:
    """Where a run is: passed to `on_progress` after each stage and during compaction."""

    stage: str
    placed: int
    upper_bound: int
    elapsed: float


def optimise(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    allow_moves: bool = False,
    workers: int = 2,
    started: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[Progress], object] | None = None,
) -> Result:
    """Place as many requests as possible, then spread and compact them.

    `time_limit` is a ceiling for the whole run, counted from `started` (a
    `time.monotonic()` reading; default now). `should_stop` is polled throughout; once it
    returns true the run ends with the best schedule found so far, marked `interrupted`.
    The greedy schedule is always computed, so that is the least a run returns.

    Locked meetings stay in their slot unless `allow_moves`; then one moves only when that
    places more meetings.
    """
    deadline = Deadline(time_limit, started=started, should_stop=should_stop)
    instance.validate()
    return _Run(instance, deadline, workers, on_progress).solve(allow_moves)


class _Run:
    def __init__(
        self,
        instance: Instance,
        deadline: Deadline,
        workers: int,
        on_progress: Callable[[Progress], object] | None,
    ) -> None:
        self.instance = instance
        self.deadline = deadline
        self.workers = workers
        self.on_progress = on_progress
        self.upper_bound = len(instance.requests)

    def report(self, stage: str, placements: Mapping[str, str]) -> None:
        if self.on_progress is not None:
            self.on_progress(
                Progress(stage, len(placements), self.upper_bound, self.deadline.elapsed())
            )

    def solve(self, allow_moves: bool) -> Result:
        instance, deadline = self.instance, self.deadline
        greedy_started = time.monotonic()
        current = first_free(instance).placements
        # Everything up to compaction is the same with moves allowed or not: moving
        # confirmed meetings is tried on the result, so it can only place more.
        fixed = options(instance)
        self.upper_bound, proven = capacity_bound(instance, fixed), False
        self.report("greedy", current)
        # Setting up compaction and making room each take about as long as the greedy
        # pass did; without time for that the greedy schedule is the answer, as it is
        # for any limit shorter than the greedy pass itself.
        if deadline.remaining() <= _SET_UP_PASSES * (time.monotonic() - greedy_started):
            return self.result(current, fixed, allow_moves, proven)
        # Confirmed meetings, even movable ones, stay where they are in compaction.
        compactor = Compactor(instance, current, fixed.choices, seed=_SEED)
        # Moving one meeting aside often makes room for a request left out: cheap, and on
        # large instances with over-asked institutions often enough to get within a
        # thousandth of the bound. Exchanges cost more; they are tried here only while
        # further from it (on dense instances), and otherwise during compaction.
        room = compactor.place_left_out(deadline.within(0))
        placed = len(compactor.placements())
        if self.upper_bound - placed > _CLOSE_ENOUGH * self.upper_bound:
            room |= compactor.place_left_out(deadline.part(_ROOM_SHARE))
        if room | compactor.meet_everyone():
            current = compactor.placements()
            self.report("room", current)
        if _bound_worth_solving(fixed, len(current), self.upper_bound):
            relaxation = lp_relaxation(
                instance, fixed, deadline.part(_BOUND_SHARE), fallback=self.upper_bound
            )
            self.upper_bound = relaxation.bound
            current = max(current, _rounded(instance, fixed, relaxation), key=len)
            self.report("bound", current)
            if len(current) < self.upper_bound and relaxation.solved:
                placement = _Placement(instance, fixed, relaxation, current)
                outcome = placement.solve(deadline.part(_PLACEMENT_SHARE), self.workers)
                if outcome is not None:
                    current = max(current, outcome.placements, key=len)
                    if placement.whole and not allow_moves:
                        self.upper_bound = min(
                            self.upper_bound, placement.bound_from(outcome.objective_bound)
                        )
                        proven = outcome.optimal
                self.report("placement", current)
        # A solve cut short may leave out a request that still fits; greedy adds it.
        filling = time.monotonic()
        current = fill(instance, current, instance.requests)
        # The last fill and the result take about as long again; keep that time back.
        reserve = 2 * (time.monotonic() - filling)
        current = _polish(instance, fixed.choices, current, self.upper_bound, self)
        self.report("repair", current)
        if allow_moves:
            current = self.with_moves(current)
        compaction = deadline.part(keep=reserve)
        if compaction.remaining() > 0:
            if current != compactor.placements():
                compactor.reset(current)
            current = compactor.run(
                compaction,
                on_tick=lambda placed: self.report("compaction", placed),
                upper_bound=self.upper_bound,
            )
        return self.result(current, fixed, allow_moves, proven)

    def with_moves(self, current: Placements) -> Placements:
        """Place more by moving confirmed meetings; the bound allows moves from here on."""
        relaxed = options(self.instance, allow_moves=True)
        capacity = capacity_bound(self.instance, relaxed)
        if _bound_worth_solving(relaxed, len(current), capacity):
            deadline = self.deadline.part(_BOUND_SHARE * _MOVES_SHARE)
            capacity = lp_relaxation(self.instance, relaxed, deadline, fallback=capacity).bound
        self.upper_bound = capacity
        if len(current) < self.upper_bound:
            current = _with_moves(self.instance, current, self)
        self.report("moves", current)
        return current

    def result(
        self, current: Placements, fixed: Options, allow_moves: bool, proven: bool
    ) -> Result:
        instance = self.instance
        # A stage cut short may leave out a request that still fits; greedy adds it.
        current = fill(instance, current, instance.requests)
        moved = frozenset(
            r.id for r in instance.requests if r.locked is not None and current[r.id] != r.locked
        )
        result = result_for(
            instance,
            current,
            upper_bound=self.upper_bound,
            optimal=proven,
            moved=moved,
            interrupted=self.deadline.stopped(),
            without_meeting_bound=_cannot_meet(instance, fixed, allow_moves),
        )
        self.report("done", current)
        return result


def _bound_worth_solving(opts: Options, placed: int, bound: int) -> bool:
    """Whether to spend time on the LP: it may prove a tighter bound and its solution
    guides placement. On a large instance already within a thousandth of the capacity
    bound that time is better spent on the last few meetings and on compaction."""
    if placed >= bound:
        return False
    small = sum(map(len, opts.choices.values())) <= _SMALL_LP_COLUMNS
    return small or bound - placed > _CLOSE_ENOUGH * bound


def _rounded(instance: Instance, opts: Options, relaxation: Relaxation) -> Placements:
    """The LP solution's integral part where it fits around the locked meetings, filled
    up greedily. (With moves allowed the LP may put a locked request elsewhere.)"""
    placements = dict(opts.fixed)
    bookings = Bookings(instance)
    for request_id, slot_id in placements.items():
        bookings.book(instance.request_by_id[request_id], slot_id)
    for request_id, slot_id in relaxation.integral_part().items():
        request = instance.request_by_id[request_id]
        free = request_id not in placements and request.locked is None
        if free and bookings.is_free(request, slot_id):
            placements[request_id] = slot_id
            bookings.book(request, slot_id)
    return fill(instance, placements, instance.requests)


def _cannot_meet(instance: Instance, opts: Options, allow_moves: bool) -> int:
    """Participants who could meet in principle, yet not around the confirmed meetings:
    a lower bound on how many are left without a meeting."""
    if allow_moves:
        return 0
    held = {party for r in opts.fixed for party in _parties(instance, r)}
    can = {
        party for r, slot_ids in opts.choices.items() if slot_ids for party in _parties(instance, r)
    }
    return len(instance.feasible_participants - held - can)


@dataclass
class _Outcome:
    placements: Placements
    optimal: bool
    # CP-SAT's proven bound on the objective (an upper bound: every stage maximises).
    objective_bound: float


class _SubModel:
    """x[request, slot] for some requests; every other meeting is pinned where it is."""

    def __init__(
        self, instance: Instance, domains: Mapping[str, list[str]], pinned: Placements
    ) -> None:
        self.instance = instance
        self.pinned = pinned
        self.cp = _cp_sat().CpModel()
        self.x = {
            (request_id, slot_id): self.cp.new_bool_var(f"x[{request_id},{slot_id}]")
            for request_id, slot_ids in domains.items()
            for slot_id in slot_ids
        }
        self.incident: defaultdict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        self.of_participant: defaultdict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (request_id, slot_id), var in self.x.items():
            for party in instance.request_by_id[request_id].parties:
                self.incident[(party, slot_id)].append(var)
                self.of_participant[party].append(var)
        for request_id, slot_ids in domains.items():
            if len(slot_ids) > 1:
                self.cp.add_at_most_one(self.x[(request_id, s)] for s in slot_ids)
        for held in self.incident.values():
            if len(held) > 1:
                self.cp.add_at_most_one(held)
        self.placed = sum(self.x.values())

    def solve(self, hint: Placements, deadline: Deadline, workers: int) -> _Outcome | None:
        seconds = deadline.remaining()
        if seconds < _MIN_SOLVE_SECONDS:
            return None
        for (request_id, slot_id), var in self.x.items():
            self.cp.add_hint(var, hint.get(request_id) == slot_id)
        self._hint_derived(hint)
        cp_sat = _cp_sat()
        solver = cp_sat.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = workers
        with deadline.watching(solver.stop_search):
            status = solver.solve(self.cp)
        if status not in (cp_sat.OPTIMAL, cp_sat.FEASIBLE):
            return None
        placements = dict(self.pinned)
        placements.update(key for key, var in self.x.items() if solver.boolean_value(var))
        return _Outcome(placements, status == cp_sat.OPTIMAL, solver.best_objective_bound)

    def _hint_derived(self, hint: Placements) -> None:
        """Hint the variables derived from x too: a complete hint is used at once."""


class _Placement(_SubModel):
    """Stage 1: the most meetings, confirmed ones where they are."""

    def __init__(
        self, instance: Instance, opts: Options, relaxation: Relaxation, start: Placements
    ) -> None:
        self.whole = len(opts.choices) <= _WHOLE_MODEL_REQUESTS
        domains = opts.choices if self.whole else _reduced(opts, relaxation, start)
        super().__init__(instance, domains, pinned=opts.fixed)
        self.start = start
        self.fixed = len(opts.fixed)
        # The known bound as a constraint: reaching it proves optimality at once.
        self.cp.add(self.placed <= relaxation.bound - self.fixed)
        self.cp.maximize(self.placed)

    def solve(self, deadline: Deadline, workers: int) -> _Outcome | None:  # type: ignore[override]
        return super().solve(self.start, deadline, workers)

    def bound_from(self, objective_bound: float) -> int:
        """Placed meetings implied by CP-SAT's bound on the objective."""
        return self.fixed + int(objective_bound + 1e-6)


def _reduced(opts: Options, relaxation: Relaxation, start: Placements) -> dict[str, list[str]]:
    """Per request only the slots the LP solution or the start uses."""
    support = relaxation.support()
    domains: dict[str, list[str]] = {}
    for request_id, slot_ids in opts.choices.items():
        shared = set(slot_ids)
        domains[request_id] = [s for s in support.get(request_id, ()) if s in shared]
        slot_id = start.get(request_id)
        if slot_id is not None and slot_id not in domains[request_id]:
            domains[request_id].append(slot_id)
    return domains


# -- stage 2 and 3: large neighbourhood search --------------------------------------------


def _polish(
    instance: Instance,
    movable: Mapping[str, list[str]],
    current: Placements,
    upper_bound: int,
    run: _Run,
) -> Placements:
    """More meetings and fewer participants without one, by re-solving around them.

    Small instances are one model. On large ones each neighbourhood starts from a
    participant without a meeting, else from a side of a request left out while the
    bound is not reached, for at most `_REPAIR_SHARE` of the time left.
    """
    if len(movable) <= _WHOLE_MODEL_REQUESTS:
        deadline = run.deadline.part(1 - _COMPACTION_SHARE)
        return _improved(instance, movable, set(movable), current, deadline, run.workers)
    return _search(
        instance,
        movable,
        current,
        seeds_of=lambda placements: _repair_seeds(instance, movable, placements, upper_bound),
        improve=lambda free, placements, deadline: _improved(
            instance, movable, free, placements, deadline, _NEIGHBOURHOOD_WORKERS
        ),
        budget=run.deadline.part(_REPAIR_SHARE),
    )


def _search(
    instance: Instance,
    choices: Mapping[str, list[str]],
    current: Placements,
    *,
    seeds_of: Callable[[Placements], list[str]],
    improve: Callable[[set[str], Placements, Deadline], Placements],
    budget: Deadline,
) -> Placements:
    """Large neighbourhood search: re-solve the requests around a random seed participant
    until the budget is spent, no seed is left, or many tries in a row gained nothing."""
    rng = random.Random(_SEED)
    seeds, failures = seeds_of(current), 0
    while seeds and budget.remaining() >= _MIN_SOLVE_SECONDS and failures < _FUTILE_TRIES:
        free = _neighbourhood(instance, choices, rng.choice(seeds), rng)
        better = improve(free, current, budget.within(_NEIGHBOURHOOD_SECONDS))
        if better is current:
            failures += 1
        else:
            current, failures = better, 0
            seeds = seeds_of(current)
    return current


def _improved(
    instance: Instance,
    movable: Mapping[str, list[str]],
    free: set[str],
    current: Placements,
    deadline: Deadline,
    workers: int,
) -> Placements:
    """`current` with the requests in `free` re-solved, if that places more or leaves
    fewer without a meeting; else `current` itself."""
    model = _Lexicographic(
        instance, _domains(instance, movable, free, current), _pinned(current, free)
    )
    outcome = model.solve(current, deadline, workers)
    if outcome is None or _score(instance, outcome.placements) <= _score(instance, current):
        return current
    return outcome.placements


def _repair_seeds(
    instance: Instance, movable: Mapping[str, list[str]], current: Placements, upper_bound: int
) -> list[str]:
    """Participants without a meeting who could have one; failing those, sides of
    requests left out."""
    left_out = _left_out_sides(instance, movable, current)
    without = sorted(_without_meeting(instance, current).intersection(left_out))
    if without or len(current) >= upper_bound:
        return without
    return left_out


def _with_moves(instance: Instance, current: Placements, run: _Run) -> Placements:
    """More meetings by moving confirmed ones too, never dropping one.

    A neighbourhood around a side of a request left out is re-solved with its confirmed
    meetings free to move; among the schedules that place the most, the one that keeps
    most confirmed meetings where they are wins. It is taken only when it places more,
    so no meeting moves unless that places another one.
    """
    everything = options(instance, allow_moves=True).choices
    budget = run.deadline.part(_MOVES_SHARE)
    if len(everything) <= _WHOLE_MODEL_REQUESTS:
        return _moved(instance, everything, set(everything), current, budget, run.workers)
    return _search(
        instance,
        everything,
        current,
        seeds_of=lambda placements: _left_out_sides(instance, everything, placements),
        improve=lambda free, placements, deadline: _moved(
            instance, everything, free, placements, deadline, _NEIGHBOURHOOD_WORKERS
        ),
        budget=budget,
    )


def _left_out_sides(
    instance: Instance, choices: Mapping[str, list[str]], current: Placements
) -> list[str]:
    """Participants of a request left out that has a slot to choose from."""
    return sorted(
        {
            party
            for request_id, slot_ids in choices.items()
            if slot_ids and request_id not in current
            for party in _parties(instance, request_id)
        }
    )


def _moved(
    instance: Instance,
    choices: Mapping[str, list[str]],
    free: set[str],
    current: Placements,
    deadline: Deadline,
    workers: int,
) -> Placements:
    model = _Moves(instance, _domains(instance, choices, free, current), _pinned(current, free))
    outcome = model.solve(current, deadline, workers)
    if outcome is None or len(outcome.placements) <= len(current):
        return current
    return outcome.placements


class _Moves(_SubModel):
    """Most meetings, then most confirmed meetings in their slot; none dropped."""

    def __init__(
        self, instance: Instance, domains: Mapping[str, list[str]], pinned: Placements
    ) -> None:
        super().__init__(instance, domains, pinned)
        stays = []
        for request_id, slot_ids in domains.items():
            locked = instance.request_by_id[request_id].locked
            if locked is not None:
                self.cp.add_exactly_one(self.x[(request_id, s)] for s in slot_ids)
                if locked in slot_ids:
                    stays.append(self.x[(request_id, locked)])
        # One more meeting must outweigh keeping every confirmed one in place.
        self.cp.maximize((len(stays) + 1) * self.placed + sum(stays))


def _pinned(current: Placements, free: set[str]) -> Placements:
    return {r: s for r, s in current.items() if r not in free}


def _domains(
    instance: Instance, choices: Mapping[str, list[str]], free: set[str], current: Placements
) -> dict[str, list[str]]:
    """The slots each freed request may take: its choices not held by a pinned meeting."""
    busy = {
        (party, s) for r, s in current.items() if r not in free for party in _parties(instance, r)
    }
    return {
        r: [s for s in choices[r] if all((p, s) not in busy for p in _parties(instance, r))]
        for r in free
    }


@dataclass
class _DayVars:
    party: str
    day: int
    first: cp_model.IntVar
    last: cp_model.IntVar
    busy: list[tuple[int, cp_model.IntVar]]
    pinned: list[int]
    first_default: int


class _Lexicographic(_SubModel):
    """Placed meetings, then participants with a meeting, then fewest idle slots.

    One weighted objective: each weight exceeds the largest possible total of the
    terms below it, which makes the order strict.
    """

    def __init__(
        self, instance: Instance, domains: Mapping[str, list[str]], pinned: Placements
    ) -> None:
        super().__init__(instance, domains, pinned)
        touched = {p for r in domains for p in _parties(instance, r)}
        pinned_count = _meetings_per_participant(instance, pinned)
        feasible = instance.feasible_participants
        self.met: dict[str, cp_model.IntVar] = {}
        for participant in sorted(touched & feasible):
            if pinned_count[participant] == 0:
                has_one = self.cp.new_bool_var(f"met[{participant}]")
                self.cp.add(has_one <= sum(self.of_participant[participant]))
                self.met[participant] = has_one
        self.days: list[_DayVars] = []
        idle, idle_ceiling = self._idle(touched)
        met_weight = idle_ceiling + 1
        placed_weight = met_weight * (len(self.met) + 1)
        met = sum(self.met.values())
        self.cp.maximize(placed_weight * self.placed + met_weight * met - sum(idle))

    def _hint_derived(self, hint: Placements) -> None:
        counts = _meetings_per_participant(self.instance, hint)
        for participant, has_one in self.met.items():
            self.cp.add_hint(has_one, counts[participant] > 0)
        busy_at = {
            (party, self.instance.slot_by_id[slot_id].order)
            for request_id, slot_id in hint.items()
            for party in _parties(self.instance, request_id)
        }
        for day in self.days:
            held = [index for index, var in day.busy if (day.party, (day.day, index)) in busy_at]
            held += day.pinned
            for index, var in day.busy:
                self.cp.add_hint(var, (day.party, (day.day, index)) in busy_at)
            self.cp.add_hint(day.first, min(held, default=day.first_default))
            self.cp.add_hint(day.last, max(held, default=day.first_default - 1))

    def _idle(self, touched: set[str]) -> tuple[list[cp_model.LinearExprT], int]:
        """Idle slots per participant-day, and the most they could add up to."""
        pinned_at: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
        for request_id, slot_id in self.pinned.items():
            slot = self.instance.slot_by_id[slot_id]
            for party in _parties(self.instance, request_id):
                if party in touched:
                    pinned_at[(party, slot.day)].append(slot.index)
        open_at: defaultdict[tuple[str, int], list[tuple[int, list[cp_model.IntVar]]]]
        open_at = defaultdict(list)
        for (party, slot_id), held in self.incident.items():
            slot = self.instance.slot_by_id[slot_id]
            open_at[(party, slot.day)].append((slot.index, held))
        idle, ceiling = [], 0
        for key, open_slots in open_at.items():
            indexes = [index for index, _ in open_slots] + pinned_at[key]
            if len(indexes) > 1:
                idle.append(self._idle_of_day(key, open_slots, pinned_at[key]))
                ceiling += max(indexes) - min(indexes) + 1
        return idle, ceiling

    def _idle_of_day(
        self,
        key: tuple[str, int],
        open_slots: list[tuple[int, list[cp_model.IntVar]]],
        pinned: list[int],
    ) -> cp_model.LinearExprT:
        """Span from the first to the last meeting minus the meetings held."""
        party, day = key
        indexes = [index for index, _ in open_slots] + pinned
        low, high = min(indexes), max(indexes)
        first = self.cp.new_int_var(low, high + 1, f"first[{party},{day}]")
        last = self.cp.new_int_var(low - 1, high, f"last[{party},{day}]")
        # A day without meetings may then take last = first - 1, i.e. no idle time.
        self.cp.add(last >= first - 1)
        for index in pinned:
            self.cp.add(first <= index)
            self.cp.add(last >= index)
        held = []
        for index, users in open_slots:
            busy = self.cp.new_bool_var(f"busy[{party},{day},{index}]")
            self.cp.add(busy == sum(users))
            self.cp.add(first <= index).only_enforce_if(busy)
            self.cp.add(last >= index).only_enforce_if(busy)
            held.append((index, busy))
        self.days.append(_DayVars(party, day, first, last, held, pinned, low))
        return last - first + 1 - sum(var for _, var in held) - len(pinned)


def _neighbourhood(
    instance: Instance, movable: Mapping[str, list[str]], seed: str, rng: random.Random
) -> set[str]:
    """Requests around `seed`, breadth first over the people they meet."""
    free: set[str] = set()
    queue, seen = [seed], {seed}
    while queue and len(free) < _NEIGHBOURHOOD_REQUESTS:
        participant = queue.pop(0)
        requests = [r for r in instance.requests_of.get(participant, ()) if r.id in movable]
        rng.shuffle(requests)
        for request in requests[: _NEIGHBOURHOOD_REQUESTS - len(free)]:
            free.add(request.id)
            other = next(p for p in request.parties if p != participant)
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return free


def _score(instance: Instance, placements: Placements) -> tuple[int, int]:
    """Placed meetings, then participants with one; higher is better."""
    met = len(instance.feasible_participants) - len(_without_meeting(instance, placements))
    return (len(placements), met)


def _without_meeting(instance: Instance, placements: Placements) -> set[str]:
    counts = _meetings_per_participant(instance, placements)
    return {p for p in instance.feasible_participants if counts[p] == 0}


def _meetings_per_participant(instance: Instance, placements: Iterable[str]) -> dict[str, int]:
    counts: defaultdict[str, int] = defaultdict(int)
    for request_id in placements:
        for party in _parties(instance, request_id):
            counts[party] += 1
    return counts


def _parties(instance: Instance, request_id: str) -> tuple[str, str]:
    return instance.request_by_id[request_id].parties
