"""Load bench: the portal under `make serve` (gunicorn) on PostgreSQL and Redis, from outside.

    .venv/bin/python bench/load.py [--users 200] [--duration 120] [--factor 10]

It builds its own database (the demo grown ``--factor`` times, plus pending requests for the
partners to answer), serves the portal with production settings, and then:

1. CPU per page: each page alone, ``--per-page`` requests at 4 at a time; the server's CPU (the
   gunicorn processes and the PostgreSQL backends of the bench database, from /proc) divided by
   the requests. A static file is the baseline.
2. Mixed load: ``--users`` simulated people (anonymous visitors, tandem members, partner
   representatives, organisers), each waiting 1–3 s between pages, for ``--duration`` seconds:
   requests/s, p50/p95/p99 and errors per page, and the server's CPU per request overall.
3. Logins: 150 people log in within 10 s, each from its own address (127.0.0.x); each must
   succeed within 30 s.

Everything stays on the loopback interface and the run ends by itself. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import served  # noqa: E402

DATABASE = "innohealth_loadbench"
REDIS_DB = 9
ENV = served.configure(DATABASE, REDIS_DB)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from matchmaking.enums import Direction, RequestStatus  # noqa: E402
from matchmaking.models import (  # noqa: E402
    MeetingRequest,
    Representative,
    TandemMember,
    User,
)

STATIC_FILE = "/static/css/portal.css"
LOGINS = 150
LOGIN_WINDOW = 10.0
LOGIN_LIMIT = 30.0
TARGET_CPU_MS = 12.0
TARGET_P95_MS = 200.0


@dataclass
class Plan:
    """What the simulated people work with, read from the database before the run."""

    tour_id: int
    institution_ids: list[int]
    tandem_ids: list[int]
    days: int
    # Institutions each tandem has no open request with (shared by its two members).
    askable: dict[int, deque] = field(default_factory=dict)
    # Pending requests each institution has to answer.
    to_answer: dict[int, deque] = field(default_factory=dict)
    tandem_members: list[tuple[str, int]] = field(default_factory=list)  # (session, tandem)
    representatives: list[tuple[str, int]] = field(default_factory=list)  # (session, inst.)
    organisers: list[str] = field(default_factory=list)
    login_emails: list[str] = field(default_factory=list)


def prepare(users: int, factor: int, rng: random.Random) -> Plan:
    served.recreate_database(DATABASE)
    served.flush_redis(REDIS_DB)
    tour = served.grow_demo(factor)
    served.add_pending_requests(tour, rng)
    plan = Plan(
        tour_id=tour.pk,
        institution_ids=list(tour.institutions.values_list("pk", flat=True)),
        tandem_ids=list(tour.tandems.values_list("pk", flat=True)),
        days=tour.days.count(),
    )
    open_pairs = set(
        MeetingRequest.objects.filter(
            tour=tour, status__in=(RequestStatus.PENDING, RequestStatus.ACCEPTED)
        ).values_list("tandem_id", "institution_id")
    )
    for tandem_id in plan.tandem_ids:
        free = [i for i in plan.institution_ids if (tandem_id, i) not in open_pairs]
        rng.shuffle(free)
        plan.askable[tandem_id] = deque(free)
    pending = MeetingRequest.objects.filter(
        tour=tour,
        status=RequestStatus.PENDING,
        direction=Direction.TANDEM_TO_INSTITUTION,
    ).order_by("pk")
    for request_id, institution_id in pending.values_list("pk", "institution_id"):
        plan.to_answer.setdefault(institution_id, deque()).append(request_id)

    # The mix: a tenth anonymous, half tandem members, a third partners, a few organisers.
    n_tandem, n_partner, n_organiser = users // 2, users * 7 // 20, max(1, users // 20)
    members = list(TandemMember.objects.filter(tandem__tour=tour).select_related("user"))
    representatives = list(
        Representative.objects.filter(institution__tours=tour).select_related("user")
    )
    by_institution = {}
    for representative in rng.sample(representatives, len(representatives)):
        by_institution.setdefault(representative.institution_id, representative)
    for member in rng.sample(members, min(n_tandem, len(members))):
        plan.tandem_members.append((served.session_cookie(member.user), member.tandem_id))
    for representative in list(by_institution.values())[:n_partner]:
        plan.representatives.append(
            (served.session_cookie(representative.user), representative.institution_id)
        )
    template = User.objects.get(email="organiser@innohealth.example")
    for k in range(n_organiser):
        organiser = User.objects.create(
            email=f"organiser-{k}@innohealth.example",
            display_name=f"Organiser {k}",
            is_staff=True,
            password=template.password,
        )
        organiser.groups.set(template.groups.all())
        plan.organisers.append(served.session_cookie(organiser))
    people = [m.user.email for m in members] + [r.user.email for r in representatives]
    plan.login_emails = rng.sample(people, LOGINS)
    served.vacuum_analyze()
    connections.close_all()
    return plan


# Pages: name → (role, coroutine doing one request). Each role's weights make the mix.
async def public_page(person, plan, party):
    await person.send("public page", "GET", "/")


async def static_file(person, plan, party):
    await person.send("static file (baseline)", "GET", STATIC_FILE)


async def tandem_dashboard(person, plan, party):
    await person.send("tandem dashboard", "GET", "/tandem/")


async def directory(person, plan, party):
    await person.send("directory", "GET", "/institutions/")


async def institution_page(person, plan, party):
    pk = random.choice(plan.institution_ids)
    await person.send("institution page (+ request form)", "GET", f"/institutions/{pk}/")


async def tandem_schedule(person, plan, party):
    await person.send("schedule (tandem)", "GET", "/schedule/")


async def send_request(person, plan, party):
    askable = plan.askable[party]
    if not askable:
        return await directory(person, plan, party)
    pk = askable.popleft()
    await person.send(
        "send a request (POST)",
        "POST",
        f"/institutions/{pk}/request/",
        {"message": "We would like to meet you during the tour."},
    )


async def partner_dashboard(person, plan, party):
    await person.send("partner dashboard", "GET", "/partner/")


async def tandem_list(person, plan, party):
    await person.send("tandem list", "GET", "/tandems/")


async def tandem_page(person, plan, party):
    pk = random.choice(plan.tandem_ids)
    await person.send("tandem page (+ request form)", "GET", f"/tandems/{pk}/")


async def request_page(person, plan, party):
    pending = plan.to_answer.get(party)
    if not pending:
        return await partner_dashboard(person, plan, party)
    await person.send("request page (+ answer forms)", "GET", f"/requests/{pending[0]}/")


async def _answer(person, plan, party, page: str, action: str):
    pending = plan.to_answer.get(party)
    if not pending:
        return await partner_dashboard(person, plan, party)
    await person.send(page, "POST", f"/requests/{pending.popleft()}/{action}/", {})


async def accept_request(person, plan, party):
    await _answer(person, plan, party, "accept a request (POST)", "accept")


async def decline_request(person, plan, party):
    await _answer(person, plan, party, "decline a request (POST)", "decline")


ANSWERS = (accept_request, decline_request)  # each uses up a pending request


async def partner_schedule(person, plan, party):
    await person.send("schedule (partner)", "GET", "/schedule/")


async def admin_index(person, plan, party):
    await person.send("organiser landing (admin index)", "GET", "/admin/")


async def meeting_grid(person, plan, party):
    day = random.randrange(plan.days)
    path = f"/admin/matchmaking/tour/{plan.tour_id}/grid/?day={day}"
    await person.send("meeting grid", "GET", path)


MIX = {
    "anonymous": [(public_page, 9), (static_file, 1)],
    "tandem": [
        (tandem_dashboard, 3),
        (directory, 2),
        (institution_page, 3),
        (tandem_schedule, 2),
        (send_request, 1),
    ],
    "partner": [
        (partner_dashboard, 3),
        (tandem_list, 1),
        (tandem_page, 2),
        (request_page, 2),
        (accept_request, 0.7),
        (decline_request, 0.3),
        (partner_schedule, 1),
    ],
    "organiser": [(admin_index, 2), (meeting_grid, 1)],
}


def people(plan: Plan, users: int) -> list[tuple[str, str | None, int | None]]:
    """(role, session, party) of every simulated person."""
    crowd = [("tandem", s, t) for s, t in plan.tandem_members]
    crowd += [("partner", s, i) for s, i in plan.representatives]
    crowd += [("organiser", s, None) for s in plan.organisers]
    crowd += [("anonymous", None, None)] * (users - len(crowd))
    return crowd


async def warm_up(plan: Plan, by_role: dict, rounds: int = 6) -> None:
    """Every page a few times from 20 people at once, so that every gunicorn worker and thread
    has compiled its templates and opened its database connection before anything is counted."""
    recorder = served.Recorder()
    persons = [
        (role, served.Person(recorder, session), party)
        for role, people_of_role in by_role.items()
        for session, party in people_of_role[:5]
    ]

    async def visit(role, person, party):
        for _ in range(rounds):
            for page, _weight in MIX[role]:
                if page not in (*ANSWERS, send_request):
                    await page(person, plan, party)

    await asyncio.gather(*(visit(role, person, party) for role, person, party in persons))
    await asyncio.gather(*(person.close() for _role, person, _party in persons))


async def per_page_cpu(plan: Plan, cpu: served.ServerCPU, count: int) -> dict[str, float]:
    """Each page alone, ``count`` requests 4 at a time: server CPU milliseconds per request."""
    known = len(plan.tandem_members) + len(plan.representatives) + len(plan.organisers)
    crowd = people(plan, known + 4)  # four anonymous visitors
    by_role = defaultdict(list)
    for role, session, party in crowd:
        by_role[role].append((session, party))
    result = {}
    await warm_up(plan, by_role)
    for role, pages in MIX.items():
        for page, _weight in pages:
            recorder = served.Recorder()
            # People of different parties: two representatives of one institution would answer
            # from the same pending requests.
            by_party = {party: session for session, party in by_role[role]}
            chosen = random.sample(sorted(by_party.items(), key=str), min(4, len(by_party)))
            persons = [(served.Person(recorder, session), party) for party, session in chosen]
            share = count // len(persons)
            if page in ANSWERS:
                # One more is answered to warm up.
                share = min(share, *(len(plan.to_answer.get(p, ())) - 1 for _s, p in persons))

            async def work(person, party, share, page=page):
                for _ in range(share):
                    await page(person, plan, party)

            # One request each first: connections opened, caches warm.
            await asyncio.gather(*(page(p, plan, party) for p, party in persons))
            recorder.samples.clear()
            before = cpu.seconds()
            await asyncio.gather(*(work(p, party, share) for p, party in persons))
            await asyncio.sleep(0.3)
            spent = cpu.seconds() - before
            if len(recorder.samples) != 1:  # a page that fell back to another: no clean figure
                print(f"  {page.__name__}: mixed with {sorted(recorder.samples)}, left out")
            else:
                [(name, samples)] = recorder.samples.items()
                result[name] = 1000 * spent / len(samples)
            await asyncio.gather(*(p.close() for p, _party in persons))
    return result


async def mixed_load(plan: Plan, users: int, duration: float, think: tuple[float, float]):
    recorder = served.Recorder()
    crowd = people(plan, users)
    random.shuffle(crowd)
    stop_at = time.monotonic() + duration

    async def live(role, session, party, delay):
        await asyncio.sleep(delay)
        person = served.Person(recorder, session)
        pages, weights = zip(*MIX[role], strict=True)
        try:
            while time.monotonic() < stop_at:
                page = random.choices(pages, weights)[0]
                await page(person, plan, party)
                await asyncio.sleep(random.uniform(*think))
        finally:
            await person.close()

    # Arrivals spread over the first 10 s, as people open the portal one after another.
    ramp = min(10.0, duration / 4)
    await asyncio.gather(
        *(live(role, s, p, ramp * k / len(crowd)) for k, (role, s, p) in enumerate(crowd))
    )
    return recorder


async def logins(plan: Plan) -> list[tuple[float, bool, int]]:
    """150 logins started within 10 s, each from its own loopback address."""
    results = []

    async def one(k: int, email: str):
        await asyncio.sleep(LOGIN_WINDOW * k / LOGINS)
        recorder = served.Recorder()
        person = served.Person(recorder, local_address=f"127.0.{1 + k // 250}.{1 + k % 250}")
        started = time.perf_counter()
        response = await person.send(
            "log in",
            "POST",
            "/accounts/login/",
            {"login": email, "password": "innohealth-demo-2027"},
        )
        elapsed = time.perf_counter() - started
        await person.close()
        status = response.status_code if response is not None else 599
        # Success is the redirect to the dashboard with a new session.
        ok = status == 302 and settings.SESSION_COOKIE_NAME in person.cookies
        results.append((elapsed, ok, status))

    await asyncio.gather(*(one(k, email) for k, email in enumerate(plan.login_emails)))
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(
    recorder: served.Recorder, cpu_ms: dict[str, float], duration: float, mixed_cpu_ms: float
):
    print()
    print(
        "| page | requests/s | p50 ms | p95 ms | p99 ms | errors (5xx / failed) | other | "
        "server CPU ms/request (alone) |"
    )
    print("|---|--:|--:|--:|--:|--:|---|--:|")
    pages = sorted(set(recorder.samples) | set(cpu_ms))
    all_samples, errors = [], 0
    for page in pages:
        samples = recorder.samples.get(page, [])
        statuses = recorder.statuses.get(page, {})
        failed = sum(n for code, n in statuses.items() if code >= 500)
        errors += failed
        other = ", ".join(
            f"{code}: {n}" for code, n in sorted(statuses.items()) if 400 <= code < 500
        )
        all_samples += samples
        if samples:
            print(
                f"| {page} | {len(samples) / duration:.1f} | "
                f"{1000 * percentile(samples, 0.5):.0f} | {1000 * percentile(samples, 0.95):.0f} | "
                f"{1000 * percentile(samples, 0.99):.0f} | {failed} | {other or '–'} | "
                f"{cpu_ms.get(page, float('nan')):.1f} |"
            )
        else:
            print(f"| {page} | – | – | – | – | – | – | {cpu_ms.get(page, float('nan')):.1f} |")
    p95 = 1000 * percentile(all_samples, 0.95) if all_samples else float("nan")
    if all_samples:
        print(
            f"| **all** | {len(all_samples) / duration:.1f} | "
            f"{1000 * percentile(all_samples, 0.5):.0f} | {p95:.0f} | "
            f"{1000 * percentile(all_samples, 0.99):.0f} | {errors} | | "
            f"{mixed_cpu_ms:.1f} (mixed) |"
        )
    if recorder.failures:
        print(f"requests without an answer (599), by the client's error: {dict(recorder.failures)}")
    if recorder.retried:
        print(f"GETs sent again on a new connection (as a browser does): {dict(recorder.retried)}")
    pages_only = [ms for page, ms in cpu_ms.items() if "baseline" not in page]
    median_cpu = percentile(pages_only, 0.5) if pages_only else float("nan")
    return median_cpu, p95, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--factor", type=int, default=10, help="how many times the demo grows")
    parser.add_argument("--per-page", type=int, default=80, help="requests per page, alone")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--parts",
        default="pages,mixed,logins",
        help="which parts to run, of pages (CPU per page), mixed (the mixed load), logins",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra setting for the server, e.g. DATABASE_CONN_MAX_AGE=0",
    )
    args = parser.parse_args()
    random.seed(args.seed)
    print(f"machine: {served.machine()}")
    print(f"before: {served.uptime()}")
    started = time.monotonic()
    plan = prepare(args.users, args.factor, random.Random(args.seed))
    print(
        f"data: demo × {args.factor}: {len(plan.institution_ids)} institutions, "
        f"{len(plan.tandem_ids)} tandems, {MeetingRequest.objects.count()} requests "
        f"(prepared in {time.monotonic() - started:.0f} s)"
    )
    connections.close_all()
    env = dict(ENV, **dict(item.split("=", 1) for item in args.server_env))
    server = served.Server(env, served.ROOT / "var" / "bench-load-server.log")
    (served.ROOT / "var").mkdir(exist_ok=True)
    server.start()
    cpu = served.ServerCPU(server.process.pid, DATABASE).start()
    parts = set(args.parts.split(","))
    cpu_ms, recorder, spent, total, login_results = {}, served.Recorder(), 0.0, 0, []
    client_before = client_after = resource.getrusage(resource.RUSAGE_SELF)
    try:
        if "pages" in parts:
            cpu_ms = asyncio.run(per_page_cpu(plan, cpu, args.per_page))
            print(
                "server CPU ms per request, each page alone (the median leaves out the static file):"
            )
            for page, ms in sorted(cpu_ms.items(), key=lambda item: item[1]):
                print(f"  {ms:6.1f}  {page}")
            print(f"after the pages: {served.uptime()}", flush=True)
        if "mixed" in parts:
            print(f"mixed load: {args.users} users for {args.duration:.0f} s", flush=True)
            client_before = resource.getrusage(resource.RUSAGE_SELF)
            before = cpu.seconds()
            recorder = asyncio.run(mixed_load(plan, args.users, args.duration, tuple(args.think)))
            spent = cpu.seconds() - before
            client_after = resource.getrusage(resource.RUSAGE_SELF)
            total = sum(len(s) for s in recorder.samples.values())
            print(f"during: {served.uptime()}", flush=True)
        if "logins" in parts:
            login_results = asyncio.run(logins(plan))
    finally:
        cpu.stop()
        server.stop()
        served.flush_redis(REDIS_DB)
        if not args.keep:
            served.drop_database(DATABASE)
    median_cpu, p95, errors = report(
        recorder, cpu_ms, args.duration, 1000 * spent / total if total else float("nan")
    )
    client_cpu = (client_after.ru_utime + client_after.ru_stime) - (
        client_before.ru_utime + client_before.ru_stime
    )
    if total:
        print(
            f"\nmixed load: {total} requests in {args.duration:.0f} s = "
            f"{total / args.duration:.1f}/s; server CPU {spent:.1f} s = "
            f"{1000 * spent / total:.1f} ms/request; the bench client itself {client_cpu:.1f} s"
        )
    ok_logins = [t for t, ok, _status in login_results if ok]
    failed_logins = sorted({status for _t, ok, status in login_results if not ok})
    slowest = max((t for t, _ok, _status in login_results), default=float("nan"))
    if login_results:
        print(
            f"logins: {len(ok_logins)}/{LOGINS} succeeded (failed statuses: "
            f"{failed_logins or '–'}), median "
            f"{percentile([t for t, _ok, _s in login_results], 0.5):.1f} s, slowest {slowest:.1f} s"
        )
    print("\ntargets:")
    verdicts = [
        (
            f"median server CPU per page ≤ {TARGET_CPU_MS:.0f} ms",
            f"{median_cpu:.1f} ms",
            median_cpu <= TARGET_CPU_MS,
        ),
        (
            f"p95 ≤ {TARGET_P95_MS:.0f} ms at {args.users} users",
            f"{p95:.0f} ms",
            p95 <= TARGET_P95_MS,
        ),
        ("no 5xx", f"{errors}", errors == 0),
        (
            f"{LOGINS} logins in {LOGIN_WINDOW:.0f} s all succeed within {LOGIN_LIMIT:.0f} s",
            f"{len(ok_logins)} ok, slowest {slowest:.1f} s",
            len(ok_logins) == LOGINS and slowest <= LOGIN_LIMIT,
        ),
    ]
    for name, value, ok in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value}")
    print(f"after: {served.uptime()}")


if __name__ == "__main__":
    main()
