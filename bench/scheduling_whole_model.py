"""How far CP-SAT gets on the whole placement model of one bench instance, given time.

    .venv/bin/python bench/scheduling_whole_model.py SHAPE SEED SECONDS WORKERS

For judging a gap to the bound: the LP bound (GLOP) and the capacity bound, the
optimiser's schedule at the default limit, then CP-SAT on every request-slot pair
(confirmed meetings where they are), hinted with that schedule, for SECONDS with
WORKERS workers and its search log on stdout: its best schedule over time and its own
proven bound on the most meetings. CPU-heavy: run it alone.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.sat.python import cp_model  # noqa: E402

from bench.instances import SHAPES, generate  # noqa: E402
from matchmaking.scheduling.bound import capacity_bound, lp_relaxation, options  # noqa: E402
from matchmaking.scheduling.control import Deadline  # noqa: E402
from matchmaking.scheduling.optimiser import optimise  # noqa: E402


def main() -> None:
    shape, seed, seconds, workers = (
        sys.argv[1],
        int(sys.argv[2]),
        float(sys.argv[3]),
        int(sys.argv[4]),
    )
    instance = generate(SHAPES[shape], seed)
    opts = options(instance)
    fixed = len(opts.fixed)
    columns = sum(map(len, opts.choices.values()))
    print(f"{len(instance.requests)} requests, {fixed} confirmed, {columns} request-slot pairs")
    started = time.monotonic()
    relaxation = lp_relaxation(instance, opts, Deadline(120))
    print(
        f"LP bound {relaxation.bound} ({time.monotonic() - started:.1f} s), "
        f"capacity bound {capacity_bound(instance, opts)}; load {os.getloadavg()[0]:.2f}"
    )
    result = optimise(instance)
    print(f"optimiser at the default limit: {result.placed} / {result.upper_bound}", flush=True)
    model = cp_model.CpModel()
    x, holding = {}, {}
    for request_id, slot_ids in opts.choices.items():
        for slot_id in slot_ids:
            x[request_id, slot_id] = var = model.new_bool_var(f"x[{request_id},{slot_id}]")
            model.add_hint(var, result.placements.get(request_id) == slot_id)
            for party in instance.request_by_id[request_id].parties:
                holding.setdefault((party, slot_id), []).append(var)
        model.add_at_most_one(x[request_id, s] for s in slot_ids)
    for held in holding.values():
        model.add_at_most_one(held)
    model.maximize(sum(x.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.log_search_progress = True
    solver.parameters.log_to_stdout = True
    status = solver.solve(model)
    print(
        f"CP-SAT {solver.status_name(status)}: best {fixed + solver.objective_value:.0f}, "
        f"its proven bound {fixed + solver.best_objective_bound:.0f} "
        f"(objective values plus the {fixed} confirmed meetings); load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
