"""Benchmark: the invitation import given the issue's spreadsheet of two million rows (1.7 MB).

    .venv/bin/python bench/invitation_import.py [--rows 2000000]

Reads the file with `parse_invitation_file` against its own PostgreSQL database (each data row
is checked against the database, as in the admin) and prints the wall time until the import
gives up at `INVITATION_IMPORT_MAX_ROWS`, and the process's peak resident memory.
Results go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innohealth_bench_import"
)
os.environ.update(DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="innohealth.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402

from matchmaking.services import DomainError  # noqa: E402
from matchmaking.services.invitations import parse_invitation_file  # noqa: E402
from tests.factories import huge_invitation_xlsx  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    content = huge_invitation_xlsx(args.rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    try:
        outcome = f"{len(parse_invitation_file('people.xlsx', content))} rows read"
    except DomainError as exc:
        outcome = str(exc)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {len(content) / 1e6:.2f} MB, {args.rows} data rows")
    print(f"outcome: {outcome}")
    print(f"time: {elapsed:.2f} s; peak RSS {peak:.0f} MB (before reading: {before:.0f} MB)")


if __name__ == "__main__":
    main()
