"""Schedule an instance file: python -m matchmaking.scheduling INSTANCE.json."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .greedy import first_free
from .model import Instance, InstanceError
from .optimiser import optimise

_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m matchmaking.scheduling",
        description="Place accepted meeting requests in slots; prints the schedule as JSON.",
    )
    parser.add_argument("instance", type=Path, help="instance JSON (see docs/scheduling.md)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--greedy", action="store_true", help="first free slot only, no optimiser")
    parser.add_argument(
        "--allow-moves", action="store_true", help="let locked meetings move if that places more"
    )
    args = parser.parse_args(argv)
    try:
        instance = _load(args.instance)
        instance.validate()
    except InstanceError as error:
        print(f"error: {args.instance}: {error}", file=sys.stderr)
        return _BAD_INPUT
    started = time.perf_counter()
    if args.greedy:
        result = first_free(instance)
    else:
        result = optimise(instance, time_limit=args.time_limit, allow_moves=args.allow_moves)
    output = result.to_dict(instance)
    output["runtime_seconds"] = round(time.perf_counter() - started, 3)
    json.dump(output, sys.stdout, indent=2)
    print()
    return 0


def _load(path: Path) -> Instance:
    """Read and parse the file; every way it can be unusable becomes an InstanceError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InstanceError(f"cannot read the file ({error.strerror}).") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InstanceError(f"not valid JSON ({error}).") from None
    if not isinstance(data, dict):
        raise InstanceError("the instance must be a JSON object.")
    return Instance.from_dict(data)


if __name__ == "__main__":
    sys.exit(main())
