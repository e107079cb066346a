"""Benchmark: greedy first-free versus the optimiser on generated tours.

    .venv/bin/python bench/scheduling.py [--sizes S,M,M-dense,L]

Each run happens in a fresh process so that its peak resident memory (ru_maxrss) is
its own: interpreter, instance generation and the solve together.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.instances import SIZES, generate  # noqa: E402
from matchmaking.scheduling import Result, first_free  # noqa: E402
from matchmaking.scheduling.compaction import LONG_GAP  # noqa: E402
from matchmaking.scheduling.model import largest_idle_gaps  # noqa: E402
from matchmaking.scheduling.optimiser import optimise  # noqa: E402

_METHODS = ("greedy", "optimiser")


def run(size_name: str, method: str) -> dict[str, float]:
    size = SIZES[size_name]
    instance = generate(size)
    started = time.perf_counter()
    if method == "greedy":
        result = first_free(instance)
    else:
        result = optimise(instance, time_limit=size.time_limit)
    runtime = time.perf_counter() - started
    return {
        **_metrics(instance, result),
        "runtime": runtime,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _metrics(instance, result: Result) -> dict[str, float]:
    counts = result.meetings_per_participant(instance)
    with_meeting = max(sum(1 for n in counts.values() if n > 0), 1)
    compactness = {}
    # Both measures of idle time, so the figures compare with earlier runs that counted
    # slots the participant was unavailable in (and breaks) as idle.
    for suffix, unavailable_is_idle in (("", False), ("_coarse", True)):
        gaps = largest_idle_gaps(
            instance, result.placements, unavailable_is_idle=unavailable_is_idle
        )
        long_gap = {p for (p, _), gap in gaps.items() if gap > LONG_GAP}
        compactness[f"largest_gap{suffix}"] = max(gaps.values(), default=0)
        compactness[f"compact_share{suffix}"] = 1 - len(long_gap) / with_meeting
    return {
        "placed": result.placed,
        "upper_bound": result.upper_bound,
        "optimal": result.optimal,
        "without_meeting": len(result.participants_without_meeting(instance)),
        **compactness,
        "requests": len(instance.requests),
        "participants": len(instance.participants),
    }


def _in_fresh_process(size_name: str, method: str) -> dict[str, float]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(run, (size_name, method))


def _machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    cores = multiprocessing.cpu_count()
    return f"{cores} cores (nproc), {model}, Python {platform.python_version()}"


def _table(size_name: str, runs: dict[str, dict[str, float]]) -> str:
    size = SIZES[size_name]
    bound = min(run["upper_bound"] for run in runs.values())
    first = runs["greedy"]
    rows = [
        ("meetings placed", lambda r: f"{r['placed']:,}"),
        ("ratio to upper bound", lambda r: f"{r['placed'] / bound:.2%}"),
        ("proven optimal", lambda r: "yes" if r["optimal"] or r["placed"] == bound else "no"),
        ("participants without meeting", lambda r: str(r["without_meeting"])),
        ("largest idle gap (slots)", lambda r: str(r["largest_gap"])),
        (f"no idle gap > {LONG_GAP} slots", lambda r: f"{r['compact_share']:.1%}"),
        ("largest idle gap, unavailable counted", lambda r: str(r["largest_gap_coarse"])),
        (
            f"no idle gap > {LONG_GAP}, unavailable counted",
            lambda r: f"{r['compact_share_coarse']:.1%}",
        ),
        ("runtime (s)", lambda r: f"{r['runtime']:.2f}"),
        ("peak RSS (MB)", lambda r: f"{r['peak_rss_mb']:.0f}"),
    ]
    lines = [
        f"### {size_name}: {first['participants']:,} participants, "
        f"{first['requests']:,} requests, {size.days} days x {size.slots_per_day} slots, "
        f"upper bound {bound:,}, time limit {size.time_limit:g} s",
        "",
        "| | greedy | optimiser |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {label} | {cell(runs['greedy'])} | {cell(runs['optimiser'])} |" for label, cell in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma separated: S,M,M-dense,L")
    args = parser.parse_args()
    names = [name.strip() for name in args.sizes.split(",") if name.strip()]
    unknown = [name for name in names if name not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    print(f"Machine: {_machine()}")
    print("Peak RSS: resource.getrusage(RUSAGE_SELF).ru_maxrss of a fresh process per run.\n")
    for name in names:
        runs = {method: _in_fresh_process(name, method) for method in _METHODS}
        print(_table(name, runs), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
