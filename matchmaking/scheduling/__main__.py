"""Schedule an instance file: python -m matchmaking.scheduling INSTANCE.json.

Exit codes: 0 the schedule is printed; 2 bad input (one line on stderr naming the
problem, nothing on stdout); 3 interrupted by SIGINT or SIGTERM (the best schedule found
so far is printed, with "interrupted": true).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .greedy import first_free
from .model import Instance, InstanceError, instance_from_dict

EXIT_DONE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 2, 3
DEFAULT_TIME_LIMIT = 10.0
# The longest run the command line accepts: a day.
MAX_TIME_LIMIT = 86_400.0
# Time kept back for printing the schedule, per request (measured: about 20 µs on a busy machine).
_OUTPUT_SECONDS_PER_REQUEST = 30e-6


def main(argv: list[str] | None = None, *, started: float | None = None) -> int:
    """Run the command line; the time limit counts from `started` (a time.monotonic()
    reading; by default now, and the process's own start when run as a program)."""
    started = time.monotonic() if started is None else started
    args = _parser().parse_args(argv)
    with _Signals() as signals:
        try:
            instance = _instance(args)
        except InstanceError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.greedy:
            result = first_free(instance)
        else:
            # Only here: the optimiser loads OR-Tools, which --greedy does without.
            from .optimiser import optimise

            keep_back = _OUTPUT_SECONDS_PER_REQUEST * len(instance.requests)
            result = optimise(
                instance,
                time_limit=max(0.0, args.time_limit - keep_back),
                allow_moves=args.allow_moves,
                started=started,
                should_stop=signals.received,
            )
        output = result.to_dict(instance)
        output["interrupted"] = signals.name is not None
        if signals.name is not None:
            output["signal"] = signals.name
        output["runtime_seconds"] = round(time.monotonic() - started, 3)
        json.dump(output, sys.stdout, indent=1)
        print()
    return EXIT_INTERRUPTED if output["interrupted"] else EXIT_DONE


def _process_start() -> float:
    """The time.monotonic() reading at which this process started, so that the time
    limit covers the interpreter's start and the imports too (Linux; elsewhere: now)."""
    now = time.monotonic()
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        since_boot = float(Path("/proc/uptime").read_text().split()[0])
        age = since_boot - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return now
    return now - min(max(age, 0.0), 60.0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m matchmaking.scheduling",
        description="Place accepted meeting requests in slots; prints the schedule as JSON.",
        epilog="Exit codes: 0 done, 2 bad input, 3 interrupted (best schedule so far printed).",
    )
    parser.add_argument("instance", type=Path, help="instance JSON (see docs/scheduling.md)")
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=DEFAULT_TIME_LIMIT,
        help="seconds for the whole run, reading and printing included (default 10)",
    )
    parser.add_argument("--greedy", action="store_true", help="first free slot only, no optimiser")
    parser.add_argument(
        "--allow-moves",
        action="store_true",
        help="let confirmed meetings move, only where that places more meetings",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="SCHEDULE.json",
        help="re-plan: keep the meetings of an earlier output where they are and place the "
        "requests without one (a cancelled meeting's request, a newly accepted one)",
    )
    return parser


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the time limit must be a number of seconds from 0 to {MAX_TIME_LIMIT:g}"
        )
    return seconds


def _instance(args: argparse.Namespace) -> Instance:
    data = _read(args.instance)
    try:
        instance = instance_from_dict(data)
        instance.validate()
    except InstanceError as error:
        raise InstanceError(f"{args.instance}: {error}") from None
    if args.keep is not None:
        instance = instance.with_confirmed(_schedule(_read(args.keep), args.keep))
    return instance


def _read(path: Path) -> Any:
    """The file's JSON; every way it can be unusable becomes an InstanceError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InstanceError(f"{path}: cannot read the file ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise InstanceError(f"{path}: not UTF-8 text.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError(f"{path}: not valid JSON ({error}).") from None
    except RecursionError:
        raise InstanceError(f"{path}: the JSON is nested too deeply.") from None
    except ValueError as error:  # e.g. an integer with more digits than Python reads
        raise InstanceError(f"{path}: not usable JSON ({error}).") from None


def _schedule(data: Any, path: Path) -> dict[str, str]:
    """The placements of an earlier output: {"requests": {id: {"slot": id}, ...}, ...}."""
    requests = data.get("requests") if isinstance(data, dict) else None
    if not isinstance(requests, dict):
        raise InstanceError(f"{path}: expected an earlier output with a 'requests' object.")
    placements = {}
    for request_id, outcome in requests.items():
        slot_id = outcome.get("slot") if isinstance(outcome, dict) else None
        if slot_id is not None and not isinstance(slot_id, str):
            raise InstanceError(f"{path}: requests[{request_id!r}].slot: expected a slot id.")
        if slot_id is not None:
            placements[request_id] = slot_id
    return placements


class _Signals:
    """SIGINT and SIGTERM end the run early: the optimiser polls `received`.

    The signals are blocked and taken by a thread with sigwait, so they are noticed at
    once even while a solver runs in C++ (a Python handler would wait for it).
    """

    _HANDLED = frozenset({signal.SIGINT, signal.SIGTERM})

    def __init__(self) -> None:
        self.name: str | None = None
        self._done = False

    def received(self) -> bool:
        return self.name is not None

    def __enter__(self) -> _Signals:
        self._previous = signal.pthread_sigmask(signal.SIG_BLOCK, self._HANDLED)
        self._thread = threading.Thread(target=self._wait, name="signals", daemon=True)
        self._thread.start()
        return self

    def _wait(self) -> None:
        number = signal.sigwait(self._HANDLED)
        if not self._done:
            self.name = signal.Signals(number).name

    def __exit__(self, *exc_info: object) -> None:
        self._done = True
        if self._thread.is_alive() and self._thread.ident is not None:
            signal.pthread_kill(self._thread.ident, signal.SIGTERM)
        self._thread.join()
        signal.pthread_sigmask(signal.SIG_SETMASK, self._previous)


if __name__ == "__main__":
    code = main(started=_process_start())
    # Everything is printed: the operating system frees the memory at once, where the
    # interpreter would free a large instance object by object (part of the time limit).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
