"""`make backup` and `make restore`, run as an operator would: the demo tour is dumped from one
database and restored into a fresh one, and every table comes back with the same rows."""

import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from matchmaking import permissions
from matchmaking.models import User

from .notifications.conftest import CLOSED_REDIS, database_url, redis_at

ROOT = Path(__file__).resolve().parent.parent


def make(target: str, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", target, *(f"{k}={v}" for k, v in variables.items())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Rows and a checksum of every table, and where every sequence stands."""
    with psycopg.connect(url) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        found = {
            table: db.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                    " FROM {} AS t"
                ).format(sql.Identifier(table))
            ).fetchone()
            for [table] in tables
        }
        for name, value in db.execute("SELECT sequencename, last_value FROM pg_sequences"):
            found[f"sequence {name}"] = (value, "")
    return found


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    server = database_url({**connection.settings_dict, "NAME": "postgres"})
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield database_url({**connection.settings_dict, "NAME": name})
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_table_for_table(fresh_database, tmp_path):
    with redis_at(CLOSED_REDIS):  # no worker may change the source while it is compared
        call_command("load_demo", verbosity=0)
    source = database_url(connection.settings_dict)

    backed_up = make("backup", DATABASE_URL=source, BACKUP_DIR=str(tmp_path))
    assert backed_up.returncode == 0, backed_up.stderr
    [dump] = tmp_path.glob("*.dump")
    assert backed_up.stdout.strip().endswith(str(dump))
    assert dump.name.startswith(connection.settings_dict["NAME"] + "-")

    # A person's roles kept in Redis: the restored rows count their versions from lower again.
    researcher = User.objects.get(email="researcher1@tandem.example")
    assert permissions.roles_of(researcher)
    kept = permissions._roles_key(researcher)
    assert cache.get(kept) is not None

    restored = make("restore", DATABASE_URL=fresh_database, BACKUP_FILE=str(dump))
    assert restored.returncode == 0, restored.stderr
    assert "roles kept in the cache" in restored.stdout and restored.stdout.rstrip().endswith(
        "forgotten: 1"
    )
    assert cache.get(kept) is None

    original, copy = fingerprint(source), fingerprint(fresh_database)
    assert original["matchmaking_meeting"][0] > 0 and original["matchmaking_tandem"][0] > 0
    assert copy == original


@pytest.mark.parametrize(
    ("target", "variables", "message"),
    [
        ("backup", {"DATABASE_URL": "sqlite:///var/db.sqlite3"}, "(it is a sqlite URL)"),
        ("restore", {"DATABASE_URL": ""}, "(it is not set)"),
        ("restore", {"DATABASE_URL": "postgres://u@h/db"}, "needs BACKUP_FILE="),
    ],
)
def test_backup_and_restore_refuse_what_they_cannot_do_with_a_clear_message(
    target, variables, message
):
    refused = make(target, **variables)
    assert refused.returncode != 0
    assert message in refused.stderr
