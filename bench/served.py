"""What the portal benches share: their own database with the demo grown tenfold, the portal
served by `make serve` (gunicorn) on it, and the server's CPU time read from /proc.

Import this module before Django: it puts the bench's settings into the environment, the same
ones the server it starts gets, so sessions made here are valid there.
"""

from __future__ import annotations

import os
import platform
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE_URL = f"http://127.0.0.1:{PORT}"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# As behind the production TLS proxy: the portal sees HTTPS and same-origin forms.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{PORT}"}


def configure(database: str, redis_db: int) -> dict[str, str]:
    """The environment of the bench and of its server: production settings (`make serve`) on
    the bench's own PostgreSQL database and Redis database, with its own Celery queue."""
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CELERY_QUEUE": f"q_{database}",
        "DJANGO_SETTINGS_MODULE": "innohealth.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # The bench's organisers have no authenticator app; production asks staff for one.
        "INNOHEALTH_REQUIRE_STAFF_MFA": "0",
        "PORT": str(PORT),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return env


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(redis_db: int) -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=redis_db).flushdb()


def grow_demo(factor: int):
    """Migrate, load the demo and grow it ``factor`` times; every person can log in with the
    demo password (one hash for all: hashing thousands of passwords would take minutes)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.core.management import call_command

    from matchmaking.models import Tour, User
    from tests.demo_growth import multiply_demo

    call_command("migrate", verbosity=0)
    # A throw-away database of the bench's own, served with production settings.
    call_command("load_demo", i_know_this_is_production=True, verbosity=0)
    tour = Tour.objects.get(slug="innohealth-china")
    multiply_demo(tour, factor)
    password = User.objects.get(email="researcher1@tandem.example").password
    User.objects.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).update(password=password)
    verified = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in User.objects.exclude(pk__in=verified)
    )
    return tour


PENDING_PER_INSTITUTION = 16


def pending_request(tour, tandem, institution):
    """A request of ``tandem`` waiting for ``institution``'s answer (not saved yet)."""
    from django.utils import timezone

    from matchmaking.enums import Direction, Party
    from matchmaking.models import MeetingRequest

    return MeetingRequest(
        tour=tour,
        tandem=tandem,
        institution=institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="We would like to present our project to you.",
        turn=Party.INSTITUTION,
        turn_since=timezone.now(),
        created_by=tandem.members.all()[0].user,
    )


def add_pending_requests(tour, rng: random.Random) -> None:
    """Give every institution requests to answer, from tandems it has no open request with."""

    from matchmaking.enums import RequestStatus
    from matchmaking.models import Institution, MeetingRequest, Tandem

    tandems = list(Tandem.objects.filter(tour=tour).prefetch_related("members__user"))
    open_pairs = set(
        MeetingRequest.objects.filter(
            tour=tour, status__in=(RequestStatus.PENDING, RequestStatus.ACCEPTED)
        ).values_list("tandem_id", "institution_id")
    )
    rows = []
    for institution in Institution.objects.filter(tours=tour):
        candidates = [t for t in tandems if (t.pk, institution.pk) not in open_pairs]
        for tandem in rng.sample(candidates, min(PENDING_PER_INSTITUTION, len(candidates))):
            rows.append(pending_request(tour, tandem, institution))
    MeetingRequest.objects.bulk_create(rows)


def vacuum_analyze() -> None:
    """After the bulk of new rows: statistics for the planner now, and no autovacuum of the bench
    database while its CPU is being counted."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def session_cookie(user) -> str:
    """A logged-in session for ``user``, as ``Client.force_login`` makes one."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def csrf_secret() -> str:
    """A CSRF cookie value the client chooses itself, as Django accepts one: no extra page load."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(random.choice(alphabet) for _ in range(32))


class Recorder:
    def __init__(self):
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        # Requests that got no answer (recorded as 599), by the client's error.
        self.failures: dict[str, int] = defaultdict(int)
        # GETs sent again after the server closed their kept-alive connection (as browsers do).
        self.retried: dict[str, int] = defaultdict(int)

    def add(self, page: str, seconds: float, status: int) -> None:
        self.samples[page].append(seconds)
        self.statuses[page][status] += 1


class Person:
    """One simulated person: its own connection, its session and CSRF cookies."""

    def __init__(self, recorder: Recorder, session: str | None = None, local_address=None):
        self.recorder = recorder
        self.csrf = csrf_secret()
        from django.conf import settings

        self.cookies = {settings.CSRF_COOKIE_NAME: self.csrf}
        if session:
            self.cookies[settings.SESSION_COOKIE_NAME] = session
        # A browser drops an idle connection before the server does (gunicorn: 5 s keep-alive),
        # or it may send on a connection the server is closing at that moment.
        transport = httpx.AsyncHTTPTransport(
            local_address=local_address, limits=httpx.Limits(keepalive_expiry=4)
        )
        self.client = httpx.AsyncClient(
            base_url=BASE_URL,
            transport=transport,
            timeout=120,
            headers=PROXY_HEADERS,
        )

    def _remember(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    async def send(self, page: str, method: str, path: str, data=None) -> httpx.Response | None:
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.csrf}
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                response = await self.client.request(
                    method,
                    path,
                    data=data,
                    headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
                )
                break
            except httpx.RemoteProtocolError as error:
                # The server closed a kept-alive connection as the request went out; a browser
                # sends a GET again at once on a new connection, so does this person (counted).
                if method == "GET" and attempt == 1:
                    self.recorder.retried[type(error).__name__] += 1
                    continue
                return self._failed(page, started, error)
            except httpx.HTTPError as error:
                return self._failed(page, started, error)
        self.recorder.add(page, time.perf_counter() - started, response.status_code)
        self._remember(response)
        return response

    def _failed(self, page: str, started: float, error: Exception) -> None:
        self.recorder.add(page, time.perf_counter() - started, 599)
        self.recorder.failures[type(error).__name__] += 1

    async def close(self) -> None:
        await self.client.aclose()


class Server:
    """The portal under `make serve` (gunicorn, production settings) on the bench database."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env = {**os.environ, **env}
        self.log = log
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        if (ROOT / "scripts" / "serve.sh").exists():
            return ["make", "--no-print-directory", "serve"]
        # Until `make serve` exists: the same gunicorn, workers and persistent connections.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.env.setdefault("DATABASE_CONN_MAX_AGE", "60")
        workers = str(2 * (os.cpu_count() or 1) + 1)
        return [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--worker-class",
            "gthread",
            "--workers",
            workers,
            "--threads",
            "4",
            "--keep-alive",
            "5",
            "--access-logfile",
            "-",
            "innohealth.wsgi",
        ]

    def start(self) -> None:
        import socket

        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", PORT))
            except OSError:
                # Or the bench would measure whatever answers there.
                raise SystemExit(f"port {PORT} is taken; choose another with BENCH_PORT") from None
        output = self.log.open("wb")
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                httpx.get(f"{BASE_URL}/", headers=PROXY_HEADERS, timeout=2).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the server did not start within 120 s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _stat(pid: str) -> tuple[int, int, int] | None:
    """(parent pid, start time, utime + stime in ticks) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[19]), int(fields[11]) + int(fields[12])


def _is_backend_of(pid: str, database: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            title = f.read().decode(errors="replace")
    except OSError:
        return False
    # PostgreSQL's process title: "postgres: <user> <database> <client> <state>".
    return title.startswith("postgres: ") and f" {database} " in title


class ServerCPU:
    """CPU time of the server: every process under the one started by `Server` (gunicorn's
    master and workers) and every PostgreSQL backend of the bench database.

    Sampled every ``interval`` seconds, so a process that ends (a recycled worker, a closed
    connection) keeps the time it had at its last sample; each process is known by pid and start
    time, so a reused pid is a new process.
    """

    def __init__(self, root_pid: int, database: str, interval: float = 0.25):
        self.root_pid = root_pid
        self.database = database
        self.interval = interval
        self.ticks: dict[tuple[int, int], int] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _scan(self) -> None:
        stats = {}
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                stat = _stat(pid)
                if stat is not None:
                    stats[int(pid)] = stat
        ours = {self.root_pid}
        grown = True
        while grown:
            grown = False
            for pid, (parent, _start, _ticks) in stats.items():
                if parent in ours and pid not in ours:
                    ours.add(pid)
                    grown = True
        ours |= {pid for pid in stats if _is_backend_of(str(pid), self.database)}
        with self.lock:
            for pid in ours & stats.keys():
                _parent, start, ticks = stats[pid]
                self.ticks[(pid, start)] = ticks

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self._scan()

    def start(self) -> ServerCPU:
        self._scan()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def seconds(self) -> float:
        """CPU seconds the server's processes have used so far (a fresh sample)."""
        self._scan()
        with self.lock:
            return sum(self.ticks.values()) / CLOCK_TICKS


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
