"""When a run must end: its time limit, and a request to stop from outside.

A run ends at its deadline or as soon as `should_stop()` says so (a signal on the command
line, a cancelled background task). Either way every stage hands back the best valid
schedule it has, so stopping early never loses work already done.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# How often a solver running in C++ is checked for a request to stop.
_POLL_SECONDS = 0.02


class Deadline:
    def __init__(
        self,
        seconds: float,
        *,
        started: float | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"time limit must be a finite number of seconds >= 0, not {seconds}")
        self.started = time.monotonic() if started is None else started
        self._at = self.started + seconds
        self._should_stop = should_stop
        self._stopped = False

    def stopped(self) -> bool:
        """Asked from outside to stop (stays true once it was)."""
        if not self._stopped and self._should_stop is not None:
            self._stopped = bool(self._should_stop())
        return self._stopped

    def remaining(self) -> float:
        if self.stopped():
            return 0.0
        return max(0.0, self._at - time.monotonic())

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def part(self, share: float = 1.0, *, keep: float = 0.0) -> Deadline:
        """A deadline `share` of the time left from now (less `keep` seconds), stopped by
        the same request."""
        seconds = max(0.0, self.remaining() - keep) * share
        part = Deadline(seconds, should_stop=self._should_stop)
        part._stopped = self._stopped
        return part

    def within(self, seconds: float) -> Deadline:
        """This deadline or `seconds` from now, whichever comes first."""
        return self.part(min(1.0, seconds / max(self.remaining(), 1e-9)))

    @contextmanager
    def watching(self, interrupt: Callable[[], object]) -> Iterator[None]:
        """Call `interrupt` if a stop is requested while a solver runs in C++.

        The solvers release the GIL, so a thread can poll `should_stop` and tell them to
        end; a deadline alone needs no thread (each solver gets its own time limit).
        """
        if self._should_stop is None:
            yield
            return
        done = threading.Event()

        def poll() -> None:
            while not done.wait(_POLL_SECONDS):
                if self.stopped():
                    interrupt()
                    return

        watcher = threading.Thread(target=poll, name="scheduling-stop", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()
