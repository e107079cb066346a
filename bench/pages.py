"""The participants' pages and sending a request, measured in one process.

    .venv/bin/python bench/pages.py [--count 30] [--reuse] [--only NAME] [--profile NAME]
                                    [--phases]

What bench/load.py's per-page part measures over HTTP, without gunicorn and the client, so a
page can be profiled: production settings (DJANGO_DEBUG=0, cached template loader, persistent
connection) on its own database, built as bench/load.py builds its one (the demo grown ten
times, pending requests for the institutions to answer; ``--reuse`` keeps an earlier run's).
Each page is asked ``--count`` times through ``django.test.Client`` by the right logged-in
person (tandem member or representative, several of them in turn, as the HTTP bench does), after
two unmeasured calls. Printed per page: the median CPU ms of this process per request plus the
mean CPU ms of its PostgreSQL backend (utime + stime from /proc, in 10 ms ticks so only summed
over the run), the mean of both together, and the queries of one more call. ``--profile NAME``
prints a cProfile of that page (the top 25 by cumulative time) instead; ``--phases`` splits each
page's CPU into the session and user, building the SQL, sending it, templates and the rest.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import served  # noqa: E402

DATABASE = "innohealth_pagesbench"
REDIS_DB = 15
ENV = served.configure(DATABASE, REDIS_DB)

import django  # noqa: E402

django.setup()

import inprocess  # noqa: E402

from matchmaking.enums import Direction, RequestStatus  # noqa: E402
from matchmaking.models import (  # noqa: E402
    MeetingRequest,
    Representative,
    TandemMember,
    Tour,
)

PEOPLE = 4  # of each role, taking turns, as bench/load.py's four people per page


def pages(tour: Tour) -> dict:
    """name (as bench/load.py names it) → a function giving (client, method, path[, data])."""
    rng = random.Random(5)
    everyone = list(TandemMember.objects.filter(tandem__tour=tour).select_related("user"))
    members = rng.sample(everyone, PEOPLE)
    # Requests are sent by other tandems, so that a run with --reuse does not grow the lists of
    # the tandems (and, below, the institutions) whose pages are measured.
    measured = {m.tandem_id for m in members}
    senders = rng.sample([m for m in everyone if m.tandem_id not in measured], PEOPLE)
    pending = MeetingRequest.objects.filter(
        tour=tour, status=RequestStatus.PENDING, direction=Direction.TANDEM_TO_INSTITUTION
    )
    answering = set(pending.values_list("institution_id", flat=True))
    representatives = [
        r
        for r in Representative.objects.filter(institution__tours=tour).select_related("user")
        if r.institution_id in answering
    ]
    representatives = rng.sample(representatives, PEOPLE)
    tandem_clients = itertools.cycle([(inprocess.client_for(m.user), m.tandem_id) for m in members])
    partner_clients = itertools.cycle(
        [(inprocess.client_for(r.user), r.institution_id) for r in representatives]
    )
    sending_clients = itertools.cycle(
        [(inprocess.client_for(m.user), m.tandem_id) for m in senders]
    )
    anonymous = inprocess.client_for(None)
    institution_ids = list(tour.institutions.values_list("pk", flat=True))
    tandem_ids = list(tour.tandems.values_list("pk", flat=True))
    to_answer = {
        r.institution_id: list(
            pending.filter(institution_id=r.institution_id).values_list("pk", flat=True)
        )
        for r in representatives
    }
    open_pairs = set(
        MeetingRequest.objects.filter(
            tour=tour, status__in=(RequestStatus.PENDING, RequestStatus.ACCEPTED)
        ).values_list("tandem_id", "institution_id")
    )
    # Every institution each sender has no open request with yet, but those whose pages are
    # measured (a run with --reuse sends about ten per sender; a dozen runs use them up, then
    # build the database again).
    answering_measured = {r.institution_id for r in representatives}
    askable = {
        m.tandem_id: iter(
            sorted(
                (
                    i
                    for i in institution_ids
                    if (m.tandem_id, i) not in open_pairs and i not in answering_measured
                ),
                key=lambda _i: rng.random(),
            )
        )
        for m in senders
    }

    def tandem_get(path):
        return lambda: (next(tandem_clients)[0], "get", path() if callable(path) else path)

    def partner_get(path):
        return lambda: (next(partner_clients)[0], "get", path() if callable(path) else path)

    def request_page():
        client, institution_id = next(partner_clients)
        return client, "get", f"/requests/{to_answer[institution_id][0]}/"

    def send_request():
        client, tandem_id = next(sending_clients)
        message = {"message": "We would like to meet you during the tour."}
        return client, "post", f"/institutions/{next(askable[tandem_id])}/request/", message

    return {
        "public page": lambda: (anonymous, "get", "/"),
        "tandem dashboard": tandem_get("/tandem/"),
        "directory": tandem_get("/institutions/"),
        "institution page (+ request form)": tandem_get(
            lambda: f"/institutions/{rng.choice(institution_ids)}/"
        ),
        "schedule (tandem)": tandem_get("/schedule/"),
        "send a request (POST)": send_request,
        "partner dashboard": partner_get("/partner/"),
        "tandem list": partner_get("/tandems/"),
        "tandem page (+ request form)": partner_get(lambda: f"/tandems/{rng.choice(tandem_ids)}/"),
        "request page (+ answer forms)": request_page,
        "schedule (partner)": partner_get("/schedule/"),
    }


def main() -> None:
    parser = inprocess.arguments(__doc__.split("\n\n")[0], count=30, rows=25)
    parser.add_argument("--only", metavar="NAME", help="pages whose name starts so")
    args = parser.parse_args()
    inprocess.collect_static()
    tour = inprocess.prepare(REDIS_DB, args.reuse)
    calls = pages(tour)
    print(served.machine(), "|", served.uptime())
    if args.profile:
        name = next(n for n in calls if n.startswith(args.profile))
        inprocess.profile(calls[name], args.count, args.sort, args.rows, args.dump)
        return
    if args.phases:
        inprocess.print_phases(calls, args.count, args.only)
        print(served.uptime(), f"(pid {os.getpid()})")
        return
    print(f"{'page':<36} {'median CPU ms':>14} {'mean CPU ms':>12} {'of it DB':>9} {'queries':>8}")
    medians = []
    for name, next_call in calls.items():
        if args.only and not name.startswith(args.only):
            continue
        mean, own, backend, queries = inprocess.measure(next_call, args.count)
        medians.append(own + backend)
        print(f"{name:<36} {own + backend:>14.1f} {mean:>12.1f} {backend:>9.1f} {queries:>8}")
    print(f"{'median of these pages':<36} {statistics.median(medians):>14.1f}")
    print(served.uptime(), f"(pid {os.getpid()})")


if __name__ == "__main__":
    main()
