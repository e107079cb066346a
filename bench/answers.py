"""Answers in parallel: partner representatives accept different requests of one tour at the
same moment, through the portal served by `make serve` (gunicorn) on PostgreSQL.

    .venv/bin/python bench/answers.py [--parallel 20] [--rounds 5] [--factor 10]

Each round, ``--parallel`` representatives of different institutions press "accept" at the same
moment on requests from half as many tandems (so every tandem is asked twice in a round and two
answers compete for its earliest free slot). The rate is answers per second from the first
answer sent to the last one answered. Afterwards the schedule is checked: no tandem and no
institution is in two meetings at once, nor in a meeting during one of its sessions or slots
marked unavailable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import served  # noqa: E402

DATABASE = "innohealth_answersbench"
REDIS_DB = 9
ENV = served.configure(DATABASE, REDIS_DB)

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

from matchmaking.enums import MeetingStatus, RequestStatus  # noqa: E402
from matchmaking.models import (  # noqa: E402
    Institution,
    Meeting,
    MeetingRequest,
    Representative,
    Tandem,
)
from matchmaking.selectors.occupancy import occupancy  # noqa: E402
from matchmaking.selectors.slots import tour_slots  # noqa: E402

TARGET_RATE = 20.0


def prepare(parallel: int, rounds: int, factor: int, rng: random.Random):
    """Requests to answer: round by round, ``parallel`` institutions, each asked by one of
    ``parallel // 2`` tandems; one logged-in representative per institution."""
    served.recreate_database(DATABASE)
    served.flush_redis(REDIS_DB)
    tour = served.grow_demo(factor)
    institutions = rng.sample(list(Institution.objects.filter(tours=tour)), parallel)
    tandems = list(Tandem.objects.filter(tour=tour).prefetch_related("members__user"))
    asked = set(MeetingRequest.objects.filter(tour=tour).values_list("tandem_id", "institution_id"))
    sessions = {}
    for institution in institutions:
        representative = Representative.objects.filter(institution=institution).first()
        sessions[institution.pk] = served.session_cookie(representative.user)
    plan = []
    for _round in range(rounds):
        pairs = []
        chosen = rng.sample(tandems, max(1, parallel // 2))
        for k, institution in enumerate(institutions):
            tandem = next(
                t
                for t in chosen[k % len(chosen) :] + tandems
                if (t.pk, institution.pk) not in asked
            )
            asked.add((tandem.pk, institution.pk))
            request = served.pending_request(tour, tandem, institution)
            request.save()
            pairs.append((sessions[institution.pk], request.pk))
        plan.append(pairs)
    served.vacuum_analyze()
    connections.close_all()
    return tour, plan


async def answer_round(pairs, cpu: served.ServerCPU) -> tuple[float, float, served.Recorder]:
    recorder = served.Recorder()
    persons = [(served.Person(recorder, session), pk) for session, pk in pairs]
    # Connections open and each answer's page seen before the moment (as a representative
    # reads the request before accepting it; every server thread has its templates and its
    # database connection), so the round measures the answers only.
    await asyncio.gather(*(p.send("page", "GET", f"/requests/{pk}/") for p, pk in persons))
    before = cpu.seconds()
    started = time.perf_counter()
    await asyncio.gather(
        *(p.send("accept", "POST", f"/requests/{pk}/accept/", {}) for p, pk in persons)
    )
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.3)  # the last sample of the server's CPU
    spent = cpu.seconds() - before
    await asyncio.gather(*(p.close() for p, _pk in persons))
    return elapsed, spent, recorder


def check_schedule(tour) -> list[str]:
    """Every scheduled meeting against the others and against its parties' busy slots."""
    problems = []
    meetings = list(Meeting.objects.filter(tour=tour, status=MeetingStatus.SCHEDULED))
    for key in ("tandem_id", "institution_id"):
        by_party = {}
        for meeting in meetings:
            by_party.setdefault(getattr(meeting, key), []).append(meeting)
        for party, held in by_party.items():
            held.sort(key=lambda m: m.starts_at)
            for first, second in zip(held, held[1:], strict=False):
                if second.starts_at < first.ends_at:
                    problems.append(f"{key} {party}: meetings {first.pk} and {second.pk} overlap")
    slots = tour_slots(tour)
    by_start = {slot.starts_at: slot.id for slot in slots}
    for meeting in meetings:
        # The meeting's own slot is busy because of the meeting itself: leave it out.
        parties = {"tandem_id": meeting.tandem_id, "institution_id": meeting.institution_id}
        occupied = occupancy(
            tour,
            slots=slots,
            tandem_ids=[meeting.tandem_id],
            institution_ids=[meeting.institution_id],
            exclude_request_ids=[meeting.request_id],
        )
        slot_id = by_start.get(meeting.starts_at)
        if slot_id is None:
            problems.append(f"meeting {meeting.pk} is not in a slot of the tour")
        elif slot_id in occupied.busy(**parties):
            problems.append(f"meeting {meeting.pk} is in a slot one of its parties is busy in")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parallel", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--factor", type=int, default=10, help="how many times the demo grows")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    print(f"machine: {served.machine()}")
    print(f"before: {served.uptime()}")
    tour, plan = prepare(args.parallel, args.rounds, args.factor, random.Random(args.seed))
    server = served.Server(ENV, served.ROOT / "var" / "bench-answers-server.log")
    (served.ROOT / "var").mkdir(exist_ok=True)
    server.start()
    cpu = served.ServerCPU(server.process.pid, DATABASE).start()
    try:
        results = [asyncio.run(answer_round(pairs, cpu)) for pairs in plan]
        spent = sum(round_spent for _elapsed, round_spent, _recorder in results)
        print(f"during: {served.uptime()}")
    finally:
        cpu.stop()
        server.stop()
        served.flush_redis(REDIS_DB)
    requests = MeetingRequest.objects.filter(pk__in=[pk for pairs in plan for _s, pk in pairs])
    accepted = requests.filter(status=RequestStatus.ACCEPTED).count()
    placed = Meeting.objects.filter(request__in=requests, status=MeetingStatus.SCHEDULED).count()
    problems = check_schedule(tour)
    connections.close_all()
    if not args.keep:
        served.drop_database(DATABASE)

    rates = [args.parallel / elapsed for elapsed, _spent, _recorder in results]
    statuses = {}
    latencies = []
    for _elapsed, _spent, recorder in results:
        latencies += recorder.samples["accept"]
        for status, n in recorder.statuses["accept"].items():
            statuses[status] = statuses.get(status, 0) + n
    total = args.parallel * args.rounds
    print(
        f"\n{args.rounds} rounds of {args.parallel} answers at the same moment: "
        f"rates {', '.join(f'{r:.1f}' for r in rates)} answers/s "
        f"(median {statistics.median(rates):.1f}); answer latency median "
        f"{1000 * statistics.median(latencies):.0f} ms, slowest {1000 * max(latencies):.0f} ms"
    )
    print(
        f"responses: {dict(sorted(statuses.items()))}; accepted {accepted}/{total}, "
        f"with a meeting {placed}; server CPU {1000 * spent / total:.0f} ms per answer "
        f"(web and database; {os.cpu_count()} cores allow at most "
        f"{os.cpu_count() * total / spent:.0f} answers/s)"
    )
    print(f"schedule check: {problems or 'no party in two things at once'}")
    verdicts = [
        (
            f"≥ {TARGET_RATE:.0f} answers/s",
            statistics.median(rates) >= TARGET_RATE,
        ),
        ("every answer accepted", accepted == total and set(statuses) == {302}),
        ("no double booking", not problems),
    ]
    print("\ntargets:")
    for name, ok in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    print(f"after: {served.uptime()}")


if __name__ == "__main__":
    main()
