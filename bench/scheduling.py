"""Benchmark: the planner's command line at its default limit on generated tours.

    .venv/bin/python bench/scheduling.py [--shapes S,M,...] [--skip-contract]

Every instance (bench/instances.py: several shapes and seeds) is written to a file and
scheduled by `python -m matchmaking.scheduling` in its own process at the command line's
default time limit, so the wall time and peak memory (ru_maxrss from wait4) are those of
the whole run as a user sees it: interpreter start, reading, solving and printing. The
greedy baseline is computed in this process. Then the contract: the ceiling at several
limits, a SIGTERM in the middle of a run, re-planning after one change, and moves.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.instances import SHAPES, Shape, generate  # noqa: E402
from matchmaking.scheduling import Instance, Request, first_free  # noqa: E402
from matchmaking.scheduling.__main__ import DEFAULT_TIME_LIMIT  # noqa: E402
from matchmaking.scheduling.bound import fewest_without_meeting, options  # noqa: E402
from matchmaking.scheduling.compaction import LONG_GAP  # noqa: E402
from matchmaking.scheduling.control import Deadline  # noqa: E402
from matchmaking.scheduling.model import largest_idle_gaps  # noqa: E402

LARGE_LIMIT = 30.0  # the limit for the 2L instance


class Run:
    """One command-line run: its output, exit code, wall time and peak memory."""

    def __init__(self, path: Path, *args: str, signal_after: float | None = None) -> None:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "matchmaking.scheduling", str(path), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if signal_after is not None:
            time.sleep(signal_after)
            self.signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
        stdout = process.stdout.read()
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        self.ended = time.monotonic()
        self.wall = self.ended - started
        self.code = process.returncode
        self.peak_mb = usage.ru_maxrss / 1024
        if self.code not in (0, 3):
            raise SystemExit(f"{path} {args}: exit {self.code}: {stderr}")
        self.output = json.loads(stdout)
        self.placements = {r: o["slot"] for r, o in self.output["requests"].items() if "slot" in o}


def compact_share(instance: Instance, placements: dict[str, str]) -> float:
    """Participants with a meeting whose every day has no idle gap over LONG_GAP."""
    gaps = largest_idle_gaps(instance, placements)
    met = {party for party, _ in gaps}
    split = {party for (party, _), gap in gaps.items() if gap > LONG_GAP}
    return 1 - len(split) / max(len(met), 1)


def without_meeting(instance: Instance, placements: dict[str, str]) -> int:
    met = {party for r in placements for party in instance.request_by_id[r].parties}
    return len(instance.feasible_participants - met)


def write(instance: Instance, directory: Path, name: str) -> Path:
    path = directory / f"{name}.json"
    path.write_text(json.dumps(instance.to_dict()))
    return path


def row(shape: Shape, seed: int, instance: Instance, run: Run, limit: float) -> str:
    greedy = first_free(instance).placements
    bound = run.output["upper_bound"]
    placed = run.output["placed"]
    without = run.output["without_meeting"]
    # Its own bound: computed here, after the run and outside its limit, when needed.
    fewest = 0
    if without:
        found = fewest_without_meeting(instance, options(instance), Deadline(120))
        fewest = "?" if found is None else found
    proven = " (optimal)" if placed == bound else ""
    return (
        f"| {shape.name} | {seed} | {len(instance.participants):,} / {len(instance.requests):,}"
        f" | {len(greedy):,} | {placed:,} / {bound:,} | {placed / bound:.2%}{proven}"
        f" | {without_meeting(instance, greedy)} → {without} (≥ {fewest})"
        f" | {compact_share(instance, greedy):.1%} → {compact_share(instance, run.placements):.1%}"
        f" | {limit:g} s → {run.wall:.2f} s | {run.peak_mb:.0f} MB |"
    )


HEADER = (
    "| shape | seed | participants / requests | greedy | optimiser / bound | ratio "
    "| without a meeting: greedy → optimiser (bound) "
    f"| no idle gap > {LONG_GAP} slots: greedy → optimiser | limit → wall | peak RSS |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def quality(names: list[str], directory: Path) -> dict[str, Path]:
    print(f"## At the default limit ({DEFAULT_TIME_LIMIT:g} s), every shape and seed\n")
    print(HEADER, flush=True)
    first_files = {}
    for name in names:
        shape = SHAPES[name]
        for seed in shape.seeds:
            instance = generate(shape, seed)
            path = write(instance, directory, f"{name}-{seed}")
            first_files.setdefault(name, path)
            run = Run(path)
            print(row(shape, seed, instance, run, DEFAULT_TIME_LIMIT), flush=True)
    if "2L" in names:
        print(f"\n2L at the issue's limit of {LARGE_LIMIT:g} s:\n\n{HEADER}")
        shape = SHAPES["2L"]
        for seed in shape.seeds:
            instance = generate(shape, seed)
            run = Run(directory / f"2L-{seed}.json", "--time-limit", str(LARGE_LIMIT))
            print(row(shape, seed, instance, run, LARGE_LIMIT), flush=True)
    return first_files


def ceiling(files: dict[str, Path]) -> None:
    print("\n## The limit is a ceiling (wall time of the whole process)\n")
    print("| shape | limit | wall | wall / limit | placed / bound |\n|---|--:|--:|--:|--:|")
    for name in ("L", "2L"):
        if name not in files:
            continue
        for limit in (0, 1, 2, 5):
            run = Run(files[name], "--time-limit", str(limit))
            ratio = f"{run.wall / limit:.2f}" if limit else "–"
            print(
                f"| {name} | {limit} s | {run.wall:.2f} s | {ratio} "
                f"| {run.output['placed']:,} / {run.output['upper_bound']:,} |",
                flush=True,
            )


def interrupt(files: dict[str, Path]) -> None:
    name = "L" if "L" in files else next(iter(files))
    instance = generate(SHAPES[name], SHAPES[name].seeds[0])
    run = Run(files[name], "--time-limit", "60", signal_after=4.0)
    print(
        f"\n## SIGTERM 4 s into a 60 s run on {name}\n\n"
        f"exit code {run.code}, interrupted: {run.output['interrupted']}, "
        f"signal: {run.output.get('signal')}; ended {run.ended - run.signalled:.2f} s after "
        f"the signal with {run.output['placed']:,} meetings (greedy "
        f"{first_free(instance).placed:,}, bound {run.output['upper_bound']:,})."
    )


def replan(files: dict[str, Path], directory: Path) -> None:
    from matchmaking.scheduling.optimiser import optimise

    name = "L" if "L" in files else next(iter(files))
    instance = generate(SHAPES[name], SHAPES[name].seeds[0])
    earlier = Run(files[name])
    earlier_file = directory / f"{name}-earlier.json"
    earlier_file.write_text(json.dumps(earlier.output))
    placed = sorted(r for r in earlier.placements if instance.request_by_id[r].locked is None)
    cancelled = placed[len(placed) // 2]
    pairs = {frozenset(r.parties) for r in instance.requests}
    newcomer = next(
        (a.id, b.id)
        for a in instance.participants
        for b in reversed(instance.participants)
        if a.id != b.id and frozenset((a.id, b.id)) not in pairs and a.available & b.available
    )
    changes = {
        "a cancelled meeting": tuple(r for r in instance.requests if r.id != cancelled),
        "one newly accepted request": (*instance.requests, Request("NEW", newcomer)),
    }
    print(
        f"\n## Re-planning on {name} after one change (earlier schedule kept, default limit)\n\n"
        "| change | optimise() | command line, wall | placed / bound | confirmed moved "
        "| earlier meetings moved |\n|---|--:|--:|--:|--:|--:|"
    )
    for label, requests in changes.items():
        changed = replace(instance, requests=requests)
        started = time.monotonic()
        kept = changed.with_confirmed(earlier.placements)
        result = optimise(kept)
        seconds = time.monotonic() - started
        run = Run(write(changed, directory, f"{name}-change"), "--keep", str(earlier_file))
        shifted = sum(1 for r, s in run.placements.items() if earlier.placements.get(r, s) != s)
        print(
            f"| {label} | {seconds:.2f} s | {run.wall:.2f} s | {result.placed:,} / "
            f"{result.upper_bound:,} | {len(result.moved)} | {shifted} |",
            flush=True,
        )


def moves(names: list[str], directory: Path) -> None:
    print(
        "\n## --allow-moves against the same run without it\n\n"
        "| shape | seed | placed without | placed with | confirmed moved |\n|---|--:|--:|--:|--:|"
    )
    for name in [n for n in ("S", "M-agenda", "M-locked") if n in names]:
        shape = SHAPES[name]
        for seed in shape.seeds:
            path = directory / f"{name}-{seed}.json"
            without = Run(path)
            with_moves = Run(path, "--allow-moves")
            print(
                f"| {name} | {seed} | {without.output['placed']:,} "
                f"| {with_moves.output['placed']:,} | {len(with_moves.output['moved'])} |",
                flush=True,
            )


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores (nproc), {model}, Python {platform.python_version()}"


def load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES), help=", ".join(SHAPES))
    parser.add_argument("--skip-contract", action="store_true", help="quality table only")
    args = parser.parse_args()
    names = [name.strip() for name in args.shapes.split(",") if name.strip()]
    unknown = [name for name in names if name not in SHAPES]
    if unknown:
        parser.error(f"unknown shape {unknown[0]!r}; choose from {', '.join(SHAPES)}")
    started = time.monotonic()
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"At the start: {load()}\n")
    with tempfile.TemporaryDirectory(prefix="bench-scheduling-") as tmp:
        directory = Path(tmp)
        files = quality(names, directory)
        if not args.skip_contract:
            ceiling(files)
            interrupt(files)
            replan(files, directory)
            moves(names, directory)
    print(f"\nAt the end: {load()}; the bench took {(time.monotonic() - started) / 60:.1f} min.")


if __name__ == "__main__":
    main()
