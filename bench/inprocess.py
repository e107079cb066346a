"""Pages measured in one process, as bench/organiser.py and bench/pages.py do: production
settings (``served.configure`` before this import: DJANGO_DEBUG=0, cached templates, persistent
connection) on the bench's own database, the demo grown ten times with pending requests to
answer as bench/load.py builds its one, each page asked through ``django.test.Client`` by the
right logged-in person. CPU per request is this process's ``time.process_time`` plus the
utime + stime of its PostgreSQL backend from /proc, as bench/load.py counts a server.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import random
import statistics
import subprocess
import sys
import time

import served
from django.contrib.auth import middleware as auth_middleware
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.template.base import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from matchmaking.models import Tour, User

HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "SERVER_NAME": "127.0.0.1"}


def arguments(description: str, *, count: int, rows: int) -> argparse.ArgumentParser:
    """The options both in-process benches take; each may add its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--count", type=int, default=count)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a former run")
    parser.add_argument("--profile", metavar="PAGE", help="a page name (or the start of one)")
    parser.add_argument("--sort", default="cumulative", help="of the profile (pstats' keys)")
    parser.add_argument("--rows", type=int, default=rows, help="of the profile")
    parser.add_argument("--dump", metavar="FILE", help="the profile's stats, for pstats")
    parser.add_argument(
        "--phases", action="store_true", help="split each page's CPU into its parts (PHASES)"
    )
    return parser


def collect_static() -> None:
    """Production settings serve the static files' hashed names from the manifest."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=served.ROOT,
        check=True,
    )


def database_exists() -> bool:
    import psycopg

    name = connection.settings_dict["NAME"]
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres") as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def prepare(redis_db: int, reuse: bool) -> Tour:
    """The bench database as bench/load.py builds its one, or the one of an earlier run."""
    if reuse and database_exists():
        return Tour.objects.get(slug="innohealth-china")
    served.recreate_database(connection.settings_dict["NAME"])
    served.flush_redis(redis_db)
    tour = served.grow_demo(10)
    served.add_pending_requests(tour, random.Random(13))
    served.vacuum_analyze()
    return tour


def backend_ticks() -> int:
    """utime + stime of this connection's PostgreSQL backend, in clock ticks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


_handler = None


def client_for(user: User | None) -> Client:
    """A client logged in as ``user``. Every client shares one handler: like a server's worker,
    it loads the middleware once (a new handler scans the static files, about 70 ms, in the
    first request it serves)."""
    global _handler
    client = Client(**HEADERS)
    _handler = _handler or client.handler
    client.handler = _handler
    if user is not None:
        client.force_login(user)
    return client


def call(client: Client, method: str, path: str, *data) -> int:
    """One request, as ``next_call()`` gives it: (client, method, path[, data])."""
    response = getattr(client, method)(path, *data, **HEADERS)
    if response.status_code not in (200, 302):
        raise SystemExit(f"{path}: {response.status_code}")
    return response.status_code


def _ready(next_call, count: int) -> list:
    """The next ``count`` calls, made ready (their clients logged in) before anything is
    counted, in the order they are made."""
    return [next_call() for _ in range(count)][::-1]


def measure(next_call, count: int) -> tuple[float, float, float, int]:
    """(mean CPU ms per request of process + backend, median ms of the process alone, mean ms
    of the backend, queries of one more call), after two unmeasured calls; the calls are made
    ready first. The backend's time
    comes in clock ticks (10 ms), too coarse for one request: it is only summed over the run."""
    ready = _ready(next_call, count + 3)
    for _ in range(2):
        call(*ready.pop())
    own = []
    ticks_before, started = backend_ticks(), time.process_time()
    for _ in range(count):
        before = time.process_time()
        call(*ready.pop())
        own.append(time.process_time() - before)
    total = time.process_time() - started
    backend = (backend_ticks() - ticks_before) / served.CLOCK_TICKS
    with CaptureQueriesContext(connection) as queries:
        call(*ready.pop())
    return (
        1000 * (total + backend) / count,
        1000 * statistics.median(own),
        1000 * backend / count,
        len(queries),
    )


def profile(next_call, count: int, sort: str, rows: int, dump: str | None = None) -> None:
    """A cProfile of ``count`` calls after two unmeasured ones."""
    ready = _ready(next_call, count + 2)
    for _ in range(2):
        call(*ready.pop())
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        call(*ready.pop())
    profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    pstats.Stats(profiler).sort_stats(sort).print_stats(rows)


# The parts of a page that --phases tells apart, each counted without the parts inside it (a
# query a template runs counts as a query, the rest of the template as rendering).
PHASES = {
    "session+user": "reading the session and the user (django.contrib.auth's get_user)",
    "SQL built": "the ORM writing the SQL of each query (SQLCompiler.as_sql)",
    "SQL sent": "psycopg sending each query and taking its rows (client side only)",
    "templates": "rendering templates, forms included",
}


class _Phases:
    """Exclusive CPU time (``time.process_time``) per phase: entering a phase pauses the one it
    is inside."""

    def __init__(self):
        self.spent = dict.fromkeys(PHASES, 0.0)
        self.stack: list[list] = []

    @contextlib.contextmanager
    def inside(self, phase: str):
        now = time.process_time()
        if self.stack:
            outer = self.stack[-1]
            self.spent[outer[0]] += now - outer[1]
        self.stack.append([phase, now])
        try:
            yield
        finally:
            now = time.process_time()
            self.spent[phase] += now - self.stack.pop()[1]
            if self.stack:
                self.stack[-1][1] = now

    def wrap(self, phase: str, function):
        def timed(*args, **kwargs):
            with self.inside(phase):
                return function(*args, **kwargs)

        return timed


def phases(next_call, count: int) -> tuple[float, dict[str, float]]:
    """(CPU ms per request of this process, ms per request of each of PHASES), over ``count``
    calls after two unmeasured ones, the calls made ready first."""
    ready = _ready(next_call, count + 2)
    for _ in range(2):
        call(*ready.pop())
    timer = _Phases()
    patched = [
        (auth_middleware, "get_user", "session+user"),
        (SQLCompiler, "as_sql", "SQL built"),
        (Template, "render", "templates"),
    ]
    kept = [(owner, name, getattr(owner, name)) for owner, name, _phase in patched]
    for owner, name, phase in patched:
        setattr(owner, name, timer.wrap(phase, getattr(owner, name)))

    def sent(execute, sql, params, many, context):
        with timer.inside("SQL sent"):
            return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(sent):
            started = time.process_time()
            for _ in range(count):
                call(*ready.pop())
            total = time.process_time() - started
    finally:
        for owner, name, original in kept:
            setattr(owner, name, original)
    return 1000 * total / count, {k: 1000 * v / count for k, v in timer.spent.items()}


def print_phases(calls: dict, count: int, only: str | None = None) -> None:
    """A table of ``phases`` for each page (whose name starts with ``only``)."""
    print("CPU ms per request of this process (not its database), by part:")
    for phase, meaning in PHASES.items():
        print(f"  {phase}: {meaning}")
    print(f"{'page':<36} {'total':>6} " + " ".join(f"{p:>12}" for p in PHASES) + f" {'rest':>6}")
    for name, next_call in calls.items():
        if only and not name.startswith(only):
            continue
        total, spent = phases(next_call, count)
        parts = " ".join(f"{spent[p]:>12.1f}" for p in PHASES)
        print(f"{name:<36} {total:>6.1f} {parts} {total - sum(spent.values()):>6.1f}")
