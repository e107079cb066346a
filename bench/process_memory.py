"""Resident memory of a web process and a mail worker, after they have done some work.

    .venv/bin/python bench/process_memory.py [--root DIR]

Starts gunicorn (one sync worker) and a Celery worker (solo pool) from the checkout in
`--root` (default: this one), lets the web worker answer the public page, the login page
and the admin login, reads each process's VmRSS and VmHWM from /proc, then stops them.
It uses its own database (BENCH_DATABASE_URL, migrated and filled with the demo tour),
Redis db (BENCH_REDIS_URL) and queue, so it can run beside the test suites.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innohealth_bench_memory"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
PAGES = ("/", "/accounts/login/", "/admin/login/")


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, seconds: float = 60) -> None:
    until = time.monotonic() + seconds
    while not check():
        if time.monotonic() > until:
            raise SystemExit("timed out waiting for a process to start")
        time.sleep(0.2)


def web(root: Path, env: dict[str, str]) -> tuple[float, float]:
    port = free_port()
    server = subprocess.Popen(
        [str(root / ".venv/bin/gunicorn"), "innohealth.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def answers() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            except OSError:
                return False
            return True

        wait_for(answers)
        for page in PAGES * 3:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=30).read()
        (worker,) = children(server.pid)
        return memory(worker)
    finally:
        server.terminate()
        server.wait(30)


def worker(root: Path, env: dict[str, str]) -> tuple[float, float]:
    log = root / "var" / "bench-memory-worker.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(root / ".venv/bin/celery"), "-A", "innohealth", "worker", "-P", "solo"]
            + ["-Q", env["CELERY_QUEUE"], "--loglevel", "INFO", "--without-gossip"]
            + ["--without-mingle", "--without-heartbeat"],
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "ready." in log.read_text())
        time.sleep(2)
        return memory(process.pid)
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to measure")
    args = parser.parse_args()
    root = args.root.resolve()
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": "q_bench_memory",
        "DJANGO_SETTINGS_MODULE": "innohealth.settings",
    }
    python = str(root / ".venv/bin/python")
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE_URL.rsplit("/", 1)[1]],
        capture_output=True,
    )
    for command in (["migrate", "--noinput"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=root, env=env, check=True)
    web_rss, web_peak = web(root, env)
    worker_rss, worker_peak = worker(root, env)
    print(f"checkout: {root}")
    print(
        f"web (gunicorn sync worker, after {len(PAGES) * 3} pages): "
        f"RSS {web_rss:.0f} MiB, peak {web_peak:.0f} MiB"
    )
    print(
        f"mail worker (celery solo, idle after start): "
        f"RSS {worker_rss:.0f} MiB, peak {worker_peak:.0f} MiB"
    )


if __name__ == "__main__":
    sys.exit(main())
