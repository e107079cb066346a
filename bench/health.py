"""Benchmark: GET /healthz against GET of a static file, through the whole middleware stack.

    .venv/bin/python bench/health.py [--requests 2000]

Production settings (DJANGO_DEBUG=0, static files collected and served by WhiteNoise from
STATIC_ROOT), requests through Django's test client in this process, so both timings leave out
the same network and HTTP-server costs. /healthz should cost about what a static file costs: it
asks nothing of the database, Redis or a worker. /readyz (database and Redis pinged, the workers'
heartbeat read) is shown beside them. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="innohealth.settings",
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
    DJANGO_ALLOWED_HOSTS="testserver",
    DJANGO_SECURE_SSL_REDIRECT="0",
    LOG_LEVEL="WARNING",
)
# /readyz pings the database with SELECT 1: any database of the server does.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")

STATIC_PATH = "/static/css/portal.css"


def fetch(client, path: str) -> int:
    """One GET, its body read to the end (a file is streamed: reading it is part of the cost)."""
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    assert response.status_code == 200 and body, (path, response.status_code)
    return len(body)


def timings(client, path: str, count: int) -> list[float]:
    for _ in range(50):  # warm-up: imports, connections, WhiteNoise's file index
        fetch(client, path)
    spent = []
    for _ in range(count):
        started = time.perf_counter()
        fetch(client, path)
        spent.append(time.perf_counter() - started)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    count = parser.parse_args().requests

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    from django.test import Client

    client = Client()
    results = {path: timings(client, path, count) for path in ("/healthz", STATIC_PATH, "/readyz")}
    static_median = statistics.median(results[STATIC_PATH])
    print(f"{count} requests each, load average {os.getloadavg()[0]:.2f}")
    print("| path | median | p95 | median / static file |")
    print("|---|--:|--:|--:|")
    for path, spent in results.items():
        median = statistics.median(spent)
        p95 = statistics.quantiles(spent, n=20)[-1]
        print(
            f"| `{path}` | {median * 1000:.2f} ms | {p95 * 1000:.2f} ms "
            f"| {median / static_median:.2f} |"
        )


if __name__ == "__main__":
    main()
