"""The assignment model's candidate slots and an LP upper bound on placeable meetings."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from types import ModuleType

from .control import Deadline
from .model import Instance

# GLOP solves to ~1e-7; without this slack an LP optimum of exactly k could floor to k-1.
_LP_TOLERANCE = 1e-6
_ROWS_BETWEEN_CHECKS = 5_000


def _glop() -> tuple[ModuleType, ModuleType]:
    """OR-Tools' linear solver and its model format, imported when an LP is solved."""
    from ortools.linear_solver import linear_solver_pb2, pywraplp

    return linear_solver_pb2, pywraplp


@dataclass(frozen=True)
class Options:
    """What the assignment model may choose from.

    `fixed` are locked meetings that stay put; `choices` maps every other request to the
    slots both sides are available in and not held by a fixed meeting of either side.
    """

    fixed: dict[str, str]
    choices: dict[str, list[str]]


def options(instance: Instance, *, allow_moves: bool = False) -> Options:
    fixed = {} if allow_moves else locked_meetings(instance)
    held: defaultdict[str, int] = defaultdict(int)
    for request_id, slot_id in fixed.items():
        for party in _parties(instance, request_id):
            held[party] |= instance.slot_bit[slot_id]
    choices = {}
    for request in instance.requests:
        if request.id not in fixed:
            first, second = request.parties
            free = instance.common_mask(request) & ~(held[first] | held[second])
            choices[request.id] = list(instance.slots_in(free))
    return Options(fixed=fixed, choices=choices)


def locked_meetings(instance: Instance) -> dict[str, str]:
    return {r.id: r.locked for r in instance.requests if r.locked is not None}


def _parties(instance: Instance, request_id: str) -> tuple[str, str]:
    return instance.request_by_id[request_id].parties


@dataclass(frozen=True)
class Relaxation:
    """An upper bound on placed meetings and, when the LP was solved, its solution.

    The LP solution is often integral or nearly so. Without it (the time ran out or the
    run was stopped) the bound is the cheaper `capacity_bound` and `values` is empty.
    """

    bound: int
    values: dict[tuple[str, str], float]

    @property
    def solved(self) -> bool:
        return bool(self.values)

    def support(self) -> dict[str, list[str]]:
        """Slots each request uses with a positive value in the LP solution."""
        used: defaultdict[str, list[str]] = defaultdict(list)
        for (request_id, slot_id), value in self.values.items():
            if value > _LP_TOLERANCE:
                used[request_id].append(slot_id)
        return used

    def integral_part(self) -> dict[str, str]:
        return {r: s for (r, s), value in self.values.items() if value > 1 - _LP_TOLERANCE}


def lp_relaxation(
    instance: Instance, opts: Options, deadline: Deadline, *, fallback: int | None = None
) -> Relaxation:
    """Fixed meetings plus the LP optimum over the choices (GLOP), rounded down.

    With moves allowed, locked requests are relaxed to "at most one slot" like the others,
    which can only raise the bound, so it stays valid. When the LP is not solved by the
    deadline, `fallback` (by default the capacity bound) stands in.
    """
    columns = [(r, s) for r, slot_ids in opts.choices.items() for s in slot_ids]
    if not columns:
        return Relaxation(bound=len(opts.fixed), values={})
    if fallback is None:
        fallback = capacity_bound(instance, opts)
    unsolved = Relaxation(bound=fallback, values={})
    linear_solver_pb2, pywraplp = _glop()
    rows = _constraint_rows(instance, opts)
    model = linear_solver_pb2.MPModelProto(maximize=True)
    model.variable.extend(
        [linear_solver_pb2.MPVariableProto(lower_bound=0, upper_bound=1, objective_coefficient=1)]
        * len(columns)
    )
    for number, row in enumerate(rows):
        # Building a large model takes seconds on a busy machine: give up in time.
        if number % _ROWS_BETWEEN_CHECKS == 0 and deadline.remaining() <= 0:
            return unsolved
        model.constraint.add(
            var_index=row, coefficient=[1.0] * len(row), lower_bound=-math.inf, upper_bound=1
        )
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.LoadModelFromProto(model)
    seconds = deadline.remaining()
    if seconds <= 0:
        return unsolved
    solver.SetTimeLimit(max(1, int(seconds * 1000)))
    with deadline.watching(solver.InterruptSolve):
        status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return unsolved
    values = [variable.solution_value() for variable in solver.variables()]
    bound = len(opts.fixed) + math.floor(solver.Objective().Value() + _LP_TOLERANCE)
    return Relaxation(bound=min(bound, fallback), values=dict(zip(columns, values, strict=True)))


def fewest_without_meeting(instance: Instance, opts: Options, deadline: Deadline) -> int | None:
    """A lower bound on the participants left without a meeting, by LP (None if unsolved).

    Maximises the participants with a meeting in the same relaxation as `lp_relaxation`
    (y[p] <= the sum of p's x, y[p] <= 1); whoever could meet in principle but is not
    counted there is left out by every schedule.
    """
    linear_solver_pb2, pywraplp = _glop()
    held = {party for r in opts.fixed for party in _parties(instance, r)}
    waiting = sorted(instance.feasible_participants - held)
    rows = _constraint_rows(instance, opts)
    columns = sum(map(len, opts.choices.values()))
    model = linear_solver_pb2.MPModelProto(maximize=True)
    model.variable.extend(
        [linear_solver_pb2.MPVariableProto(lower_bound=0, upper_bound=1)] * columns
        + [linear_solver_pb2.MPVariableProto(lower_bound=0, upper_bound=1, objective_coefficient=1)]
        * len(waiting)
    )
    for row in rows:
        model.constraint.add(
            var_index=row, coefficient=[1.0] * len(row), lower_bound=-math.inf, upper_bound=1
        )
    meets: defaultdict[str, list[int]] = defaultdict(list)
    column = 0
    for request_id, slot_ids in opts.choices.items():
        for _ in slot_ids:
            for party in _parties(instance, request_id):
                meets[party].append(column)
            column += 1
    for number, participant in enumerate(waiting):
        own = meets[participant]
        model.constraint.add(
            var_index=[columns + number, *own],
            coefficient=[1.0] + [-1.0] * len(own),
            lower_bound=-math.inf,
            upper_bound=0,
        )
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.LoadModelFromProto(model)
    solver.SetTimeLimit(max(1, int(deadline.remaining() * 1000)))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return len(waiting) - math.floor(solver.Objective().Value() + _LP_TOLERANCE)


def capacity_bound(instance: Instance, opts: Options) -> int:
    """A bound that needs no solver: a participant meets at most once per slot it has.

    Participants whose requests outnumber the slots they could use are counted at their
    capacity; every request of the others counts once.
    """
    slots_of: defaultdict[str, set[str]] = defaultdict(set)
    requests_of: defaultdict[str, list[str]] = defaultdict(list)
    for request_id, slot_ids in opts.choices.items():
        if not slot_ids:
            continue
        for party in _parties(instance, request_id):
            slots_of[party].update(slot_ids)
            requests_of[party].append(request_id)
    # The most over-asked first: capping them covers the most requests.
    ordered = sorted(slots_of, key=lambda p: len(slots_of[p]) - len(requests_of[p]))
    covered: set[str] = set()
    bound = len(opts.fixed)
    for party in ordered:
        uncovered = [r for r in requests_of[party] if r not in covered]
        if len(slots_of[party]) < len(uncovered):
            bound += len(slots_of[party])
            covered.update(uncovered)
    return bound + sum(1 for r, slot_ids in opts.choices.items() if slot_ids and r not in covered)


def _constraint_rows(instance: Instance, opts: Options) -> list[list[int]]:
    """Column lists of the "at most one" rows, columns numbered in the order of
    `opts.choices`; single-column rows are implied by x <= 1."""
    rows = []
    slots = len(instance.slots)
    person = {pid: number * slots for number, pid in enumerate(instance.participant_by_id)}
    rank = instance.slot_rank
    sharing: defaultdict[int, list[int]] = defaultdict(list)
    column = 0
    for request_id, slot_ids in opts.choices.items():
        first, second = (person[p] for p in _parties(instance, request_id))
        if len(slot_ids) > 1:
            rows.append(list(range(column, column + len(slot_ids))))
        for slot_id in slot_ids:
            sharing[first + rank[slot_id]].append(column)
            sharing[second + rank[slot_id]].append(column)
            column += 1
    rows += [columns for columns in sharing.values() if len(columns) > 1]
    return rows
