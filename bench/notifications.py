"""Benchmark: N notifications through a real Celery worker to a local SMTP sink.

    .venv/bin/python bench/notifications.py [--count 10000] [--pool solo|prefork] [--concurrency 2]

It writes N outbox rows (three languages, two time zones) into its own PostgreSQL database,
queues one task per row on Redis, and waits until every row is sent. Throughput counts from
the first task queued to the last row marked sent; peak memory is the worker's resident set
(parent plus pool children), sampled every 0.2 s from /proc. The SMTP sink checks that every
message arrived exactly once (by Message-ID). Results go to docs/performance-notifications.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innohealth_bench_notifications"
)
# Its own Redis database and queue: `celery purge` below empties the queue it uses.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ.update(
    DATABASE_URL=DATABASE_URL,
    REDIS_URL=REDIS_URL,
    CELERY_QUEUE="q_bench_notifications",
    DJANGO_SETTINGS_MODULE="innohealth.settings",
)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from matchmaking.models import OutboxMessage, OutboxStatus  # noqa: E402
from matchmaking.tasks import send_outbox_message  # noqa: E402

LANGUAGES = [("en", "Europe/Berlin"), ("de", "Europe/Berlin"), ("zh-hans", "Asia/Shanghai")]


class CountingSink:
    def __init__(self):
        self.message_ids: set[str] = set()
        self.duplicates = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.lock:
                    if line in self.message_ids:
                        self.duplicates += 1
                    self.message_ids.add(line)
                break
        return "250 OK"


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def rss_kib(pid: int) -> int:
    """Resident memory of the process and its children (the prefork pool)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *map(int, children.read_text().split())] if children.exists() else [pid]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def write_rows(count: int) -> list[int]:
    OutboxMessage.objects.filter(dedupe_key__startswith="bench:").delete()
    rows = [
        OutboxMessage(
            email=f"person{n}@bench.example",
            kind="request_received",
            language=LANGUAGES[n % 3][0],
            time_zone=LANGUAGES[n % 3][1],
            dedupe_key=f"bench:{n}",
            context={
                "request_id": n,
                "tandem": f"Tandem {n % 6}",
                "institution": "BGI Group",
                "institution_zh": "华大集团",
                "message": "We would like to talk about a pilot with your hospitals.",
                "url": "http://127.0.0.1:8000/dashboard/",
            },
        )
        for n in range(count)
    ]
    return [row.pk for row in OutboxMessage.objects.bulk_create(rows, batch_size=2000)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--pool", choices=["solo", "prefork"], default="solo")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance-notifications.md"))
    args = parser.parse_args()

    ensure_database()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = CountingSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    celery = [sys.executable, "-m", "celery", "-A", "innohealth"]
    subprocess.run([*celery, "purge", "-f"], env=env, cwd=ROOT, check=True, capture_output=True)
    pool = ["-P", "solo"] if args.pool == "solo" else ["-P", "prefork", "-c", str(args.concurrency)]
    worker = subprocess.Popen(
        [
            *celery,
            "worker",
            *pool,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in worker.stderr:
        if "ready." in line:
            break
    else:
        raise SystemExit("the worker did not start")
    threading.Thread(target=lambda: worker.stderr.read(), daemon=True).start()
    idle_rss = rss_kib(worker.pid)

    ids = write_rows(args.count)
    peak = idle_rss
    started = time.perf_counter()
    for pk in ids:
        send_outbox_message.delay(pk)
    queued_in = time.perf_counter() - started
    pending = OutboxMessage.objects.filter(dedupe_key__startswith="bench:").exclude(
        status=OutboxStatus.SENT
    )
    while pending.exists():
        peak = max(peak, rss_kib(worker.pid))
        time.sleep(0.2)
        if worker.poll() is not None:
            raise SystemExit("the worker died")
    elapsed = time.perf_counter() - started
    peak = max(peak, rss_kib(worker.pid))
    worker.terminate()
    worker.wait(timeout=30)
    controller.stop()
    connection.close()

    received = len(sink.message_ids)
    pool_label = "solo" if args.pool == "solo" else f"prefork, concurrency {args.concurrency}"
    command = " ".join(["bench/notifications.py", *sys.argv[1:]])
    result = (
        f"| {args.count} | {pool_label} | {elapsed:.1f} s | {args.count / elapsed:.0f} /s "
        f"| {queued_in:.1f} s | {idle_rss / 1024:.0f} MiB | {peak / 1024:.0f} MiB "
        f"| {received} | {sink.duplicates} | `{command}` |"
    )
    print(result)
    if received != args.count or sink.duplicates:
        raise SystemExit(f"expected {args.count} distinct messages, got {received}")
    write_report(Path(args.output), result)


HEADER = """# Performance: notifications through the worker

Measured by `bench/notifications.py` (`make bench` runs it): N outbox rows sent by a real Celery
worker on Redis to a local SMTP sink, each message rendered in its recipient's language and time
zone (text and HTML). Throughput counts from the first task queued to the last row marked sent;
"queueing" is the time the producer took to queue the N tasks. Memory is the worker's resident
set (parent plus pool children) when idle and at its peak. The sink counts distinct Message-IDs
and duplicates.

| notifications | pool | total time | throughput | queueing | worker RSS idle | worker RSS peak | received | duplicates | command (`.venv/bin/python …`) |
|---|---|---|---|---|---|---|---|---|---|
"""


def write_report(path: Path, row: str) -> None:
    rows = []
    if path.exists():
        rows = [
            line
            for line in path.read_text().splitlines()
            if line.startswith("| ") and "|---" not in line
        ][1:]
    rows.append(row)
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    path.write_text(
        HEADER
        + "\n".join(rows)
        + f"\n\nLast run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}.\n"
    )


if __name__ == "__main__":
    main()
