"""The organisers' pages and answering a request, measured in one process.

    .venv/bin/python bench/organiser.py [--count 20] [--reuse] [--profile PAGE]

Production settings (``served.configure``: DJANGO_DEBUG=0, cached templates, persistent
connection) on its own database, the demo grown ten times with pending requests to answer as
bench/load.py builds its one (``--reuse`` keeps the database of an earlier run; each run answers
requests nobody answered yet). Every page is asked through ``django.test.Client`` by the right
logged-in person, ``--count`` times after two unmeasured calls. Printed per page: CPU ms per
request (this process's ``time.process_time`` plus the utime + stime of its PostgreSQL backend
from /proc, summed over the run and divided by the count, as bench/load.py counts a server) and
the queries of one more call. ``--profile PAGE`` prints a cProfile of that page instead.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import served  # noqa: E402

DATABASE = "innohealth_organiserbench"
REDIS_DB = 14
ENV = served.configure(DATABASE, REDIS_DB)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from matchmaking.enums import Direction, RequestStatus  # noqa: E402
from matchmaking.models import MeetingRequest, Representative, Tour, User  # noqa: E402

HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "SERVER_NAME": "127.0.0.1"}


def database_exists() -> bool:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres") as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        )


def prepare(reuse: bool) -> Tour:
    if reuse and database_exists():
        return Tour.objects.get(slug="innohealth-china")
    served.recreate_database(DATABASE)
    served.flush_redis(REDIS_DB)
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


def client_for(user: User) -> Client:
    client = Client(**HEADERS)
    client.force_login(user)
    return client


class Answers:
    """Pending requests to the institutions, each answered once, by a representative of it."""

    def __init__(self, tour: Tour):
        pending = MeetingRequest.objects.filter(
            tour=tour, status=RequestStatus.PENDING, direction=Direction.TANDEM_TO_INSTITUTION
        ).order_by("institution_id", "pk")
        self.queue = list(pending.values_list("pk", "institution_id"))
        random.Random(7).shuffle(self.queue)
        self.clients: dict[int, Client] = {}
        self.answered: list[int] = []

    def next(self, action: str):
        pk, institution_id = self.queue.pop()
        self.answered.append(pk)
        if institution_id not in self.clients:
            representative = Representative.objects.filter(institution_id=institution_id).first()
            self.clients[institution_id] = client_for(representative.user)
        return self.clients[institution_id], f"/requests/{pk}/{action}/"


def pages(tour: Tour) -> tuple[dict, Answers]:
    """name → a function returning (client, method, path) for the next call; the answers."""
    organiser = client_for(User.objects.get(email="organiser@innohealth.example"))
    days = tour.days.count()
    answers = Answers(tour)
    grid_day = iter(range(10**6))

    def answer(action):
        def call():
            client, path = answers.next(action)
            return client, "post", path

        return call

    calls = {
        "organiser landing (admin index)": lambda: (organiser, "get", "/admin/"),
        "meeting grid": lambda: (
            organiser,
            "get",
            f"/admin/matchmaking/tour/{tour.pk}/grid/?day={next(grid_day) % days}",
        ),
        "accept a request (POST)": answer("accept"),
        "decline a request (POST)": answer("decline"),
    }
    return calls, answers


def call(next_call) -> int:
    client, method, path = next_call()
    response = getattr(client, method)(path, **HEADERS)
    if response.status_code not in (200, 302):
        raise SystemExit(f"{path}: {response.status_code}")
    return response.status_code


def measure(name: str, next_call, count: int) -> tuple[float, float, int]:
    """(CPU ms per request of process + backend, median process-only ms, queries of one call)."""
    for _ in range(2):
        call(next_call)
    own = []
    ticks_before, started = backend_ticks(), time.process_time()
    for _ in range(count):
        before = time.process_time()
        call(next_call)
        own.append(time.process_time() - before)
    total = time.process_time() - started
    backend = (backend_ticks() - ticks_before) / served.CLOCK_TICKS
    with CaptureQueriesContext(connection) as queries:
        call(next_call)
    return 1000 * (total + backend) / count, 1000 * statistics.median(own), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a former run")
    parser.add_argument("--profile", metavar="PAGE", help="a page name (or the start of one)")
    parser.add_argument("--sort", default="cumulative", help="of the profile (pstats' keys)")
    parser.add_argument("--rows", type=int, default=30, help="of the profile")
    args = parser.parse_args()
    # Production settings serve the static files' hashed names from the manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=served.ROOT,
        check=True,
    )
    tour = prepare(args.reuse)
    calls, answers = pages(tour)
    print(served.machine(), "|", served.uptime())
    if args.profile:
        name = next(n for n in calls if n.startswith(args.profile))
        for _ in range(2):
            call(calls[name])
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.count):
            call(calls[name])
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.rows)
        return
    print(f"{'page':<36} {'CPU ms/request':>15} {'process median':>15} {'queries':>8}")
    for name, next_call in calls.items():
        cpu, own, queries = measure(name, next_call, args.count)
        print(f"{name:<36} {cpu:>15.1f} {own:>15.1f} {queries:>8}")
    unanswered = MeetingRequest.objects.filter(
        pk__in=answers.answered, status=RequestStatus.PENDING
    ).count()
    if unanswered:
        raise SystemExit(f"{unanswered} answers were refused")
    print(served.uptime(), f"(pid {os.getpid()})")


if __name__ == "__main__":
    main()
