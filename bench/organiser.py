"""The organisers' pages and answering a request, measured in one process.

    .venv/bin/python bench/organiser.py [--count 20] [--reuse] [--profile PAGE]

Production settings (``served.configure``: DJANGO_DEBUG=0, cached templates, persistent
connection) on its own database, the demo grown ten times with pending requests to answer as
bench/load.py builds its one (``--reuse`` keeps the database of an earlier run; each run answers
requests nobody answered yet). Every page is asked through ``django.test.Client`` by the right
logged-in person, ``--count`` times after two unmeasured calls. Printed per page: CPU ms per
request (this process's ``time.process_time`` plus the utime + stime of its PostgreSQL backend
from /proc, summed over the run and divided by the count, as bench/load.py counts a server), the
median of the process alone, the backend's mean, and the queries of one more call. ``--profile PAGE`` prints a cProfile of that page instead.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import served  # noqa: E402

DATABASE = "innohealth_organiserbench"
REDIS_DB = 14
ENV = served.configure(DATABASE, REDIS_DB)

import django  # noqa: E402

django.setup()

import inprocess  # noqa: E402

from matchmaking.enums import Direction, RequestStatus  # noqa: E402
from matchmaking.models import MeetingRequest, Representative, Tour, User  # noqa: E402


class Answers:
    """Pending requests to the institutions, each answered once, by a representative of it."""

    def __init__(self, tour: Tour):
        pending = MeetingRequest.objects.filter(
            tour=tour, status=RequestStatus.PENDING, direction=Direction.TANDEM_TO_INSTITUTION
        ).order_by("institution_id", "pk")
        self.queue = list(pending.values_list("pk", "institution_id"))
        random.Random(7).shuffle(self.queue)
        self.clients: dict = {}
        self.answered: list[int] = []

    def next(self, action: str):
        pk, institution_id = self.queue.pop()
        self.answered.append(pk)
        if institution_id not in self.clients:
            representative = Representative.objects.filter(institution_id=institution_id).first()
            self.clients[institution_id] = inprocess.client_for(representative.user)
        return self.clients[institution_id], f"/requests/{pk}/{action}/"


def pages(tour: Tour) -> tuple[dict, Answers]:
    """name → a function returning (client, method, path) for the next call; the answers."""
    organiser = inprocess.client_for(User.objects.get(email="organiser@innohealth.example"))
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


def main() -> None:
    args = inprocess.arguments(__doc__.split("\n\n")[0], count=20, rows=30).parse_args()
    inprocess.collect_static()
    tour = inprocess.prepare(REDIS_DB, args.reuse)
    calls, answers = pages(tour)
    print(served.machine(), "|", served.uptime())
    if args.profile:
        name = next(n for n in calls if n.startswith(args.profile))
        inprocess.profile(calls[name], args.count, args.sort, args.rows, args.dump)
        return
    if args.phases:
        inprocess.print_phases(calls, args.count)
        print(served.uptime(), f"(pid {os.getpid()})")
        return
    print(
        f"{'page':<36} {'CPU ms/request':>15} {'process median':>15} {'backend':>8} {'queries':>8}"
    )
    for name, next_call in calls.items():
        cpu, own, backend, queries = inprocess.measure(next_call, args.count)
        print(f"{name:<36} {cpu:>15.1f} {own:>15.1f} {backend:>8.1f} {queries:>8}")
    unanswered = MeetingRequest.objects.filter(
        pk__in=answers.answered, status=RequestStatus.PENDING
    ).count()
    if unanswered:
        raise SystemExit(f"{unanswered} answers were refused")
    print(served.uptime(), f"(pid {os.getpid()})")


if __name__ == "__main__":
    main()
