"""The assignment model's candidate slots and an LP upper bound on placeable meetings."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from .model import Instance

# HiGHS solves to ~1e-7; without this slack an LP optimum of exactly k could floor to k-1.
_LP_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Options:
    """What the assignment model may choose from.

    `fixed` are locked meetings that stay put; `choices` maps every other request to the
    slots both sides are available in and not held by a fixed meeting of either side.
    """

    fixed: dict[str, str]
    choices: dict[str, list[str]]

    def by_participant_slot(self, instance: Instance) -> dict[tuple[str, str], list[str]]:
        """Requests that could use each (participant, slot): at most one of them may."""
        users: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
        for request_id, slot_ids in self.choices.items():
            parties = instance.request_by_id[request_id].parties
            for slot_id in slot_ids:
                for party in parties:
                    users[(party, slot_id)].append(request_id)
        return users


def options(instance: Instance, *, allow_moves: bool = False) -> Options:
    fixed = {} if allow_moves else locked_meetings(instance)
    held = {(party, slot_id) for r, slot_id in fixed.items() for party in _parties(instance, r)}
    choices = {}
    for request in instance.requests:
        if request.id in fixed:
            continue
        choices[request.id] = [
            slot_id
            for slot_id in instance.common_slots(request)
            if all((party, slot_id) not in held for party in request.parties)
        ]
    return Options(fixed=fixed, choices=choices)


def locked_meetings(instance: Instance) -> dict[str, str]:
    return {r.id: r.locked for r in instance.requests if r.locked is not None}


def _parties(instance: Instance, request_id: str) -> tuple[str, str]:
    return instance.request_by_id[request_id].parties


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation: its bound on placed meetings and its (often integral) solution."""

    bound: int
    values: dict[tuple[str, str], float]

    def support(self) -> dict[str, list[str]]:
        """Slots each request uses with a positive value in the LP solution."""
        used: defaultdict[str, list[str]] = defaultdict(list)
        for (request_id, slot_id), value in self.values.items():
            if value > _LP_TOLERANCE:
                used[request_id].append(slot_id)
        return used

    def integral_part(self) -> dict[str, str]:
        return {r: s for (r, s), value in self.values.items() if value > 1 - _LP_TOLERANCE}


def lp_relaxation(instance: Instance, opts: Options) -> Relaxation:
    """Fixed meetings plus the LP optimum over the choices, rounded down.

    With moves allowed, locked requests are relaxed to "at most one slot" like the others,
    which can only raise the bound, so it stays valid.
    """
    columns = [(r, s) for r, slot_ids in opts.choices.items() for s in slot_ids]
    if not columns:
        return Relaxation(bound=len(opts.fixed), values={})
    rows = _constraint_rows(instance, opts, columns)
    row_index = np.repeat(np.arange(len(rows)), [len(cols) for cols in rows])
    col_index = np.fromiter((c for cols in rows for c in cols), dtype=np.int64)
    matrix = coo_matrix(
        (np.ones(len(col_index)), (row_index, col_index)), shape=(len(rows), len(columns))
    ).tocsr()
    solution = linprog(
        c=-np.ones(len(columns)),
        A_ub=matrix,
        b_ub=np.ones(len(rows)),
        bounds=(0, 1),
        method="highs",
    )
    if solution.status != 0:
        # Not expected for this bounded, feasible LP; the trivial bound is still valid.
        return Relaxation(bound=len(opts.fixed) + len(opts.choices), values={})
    return Relaxation(
        bound=len(opts.fixed) + math.floor(-solution.fun + _LP_TOLERANCE),
        values=dict(zip(columns, solution.x.tolist(), strict=True)),
    )


def lp_upper_bound(instance: Instance, *, allow_moves: bool = False) -> int:
    return lp_relaxation(instance, options(instance, allow_moves=allow_moves)).bound


def _constraint_rows(
    instance: Instance, opts: Options, columns: list[tuple[str, str]]
) -> list[list[int]]:
    """Column lists of the "at most one" rows; single-column rows are implied by x <= 1."""
    column_of = {column: i for i, column in enumerate(columns)}
    rows = [
        [column_of[(r, s)] for s in slot_ids]
        for r, slot_ids in opts.choices.items()
        if len(slot_ids) > 1
    ]
    for (_, slot_id), request_ids in opts.by_participant_slot(instance).items():
        if len(request_ids) > 1:
            rows.append([column_of[(r, slot_id)] for r in request_ids])
    return rows
