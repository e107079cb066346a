"""PostgreSQL restarted under load: the portal, in production mode in a process of its own
against a private PostgreSQL, answers every request while the database is away with the 503
page (Retry-After, the portal's design), never a 500, and serves normally again once the
database is back, without a restart of its own; a connection it kept across a restart is
checked before use and replaced, so the first page after it is no 503 either."""

import subprocess
import threading
import time

import psycopg
import pytest
from django.db import connection

from ..notifications.conftest import database_url
from .conftest import Browser, Portal, last_json_line, manage

FIXTURE = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tests import factories

tour = factories.TourFactory()
alice = factories.TandemMemberFactory(tandem__tour=tour, user__password=None).user
session = SessionStore()
session[SESSION_KEY] = str(alice.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = alice.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "cookie": settings.SESSION_COOKIE_NAME}))
"""

# Anonymous, the tour page fails in its view; logged in, the session fails in middleware.
PAGES = [("", "/"), ("session", "/tandem/")]


@pytest.fixture
def portal_database(private_postgres, db):
    """A database on the private server with the test database's schema (copied, not migrated
    again: faster)."""
    with psycopg.connect(f"{private_postgres.url}/postgres", autocommit=True) as server:
        server.execute("DROP DATABASE IF EXISTS portal WITH (FORCE)")
        server.execute("CREATE DATABASE portal")
    dump = subprocess.run(
        [
            "pg_dump",
            "--schema-only",
            "--no-owner",
            "--dbname",
            database_url(connection.settings_dict),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    subprocess.run(
        [
            "psql",
            "--quiet",
            "--set",
            "ON_ERROR_STOP=1",
            "--dbname",
            f"{private_postgres.url}/portal",
        ],
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return f"{private_postgres.url}/portal"


def test_postgres_restarted_under_load_gives_503_pages_then_the_portal_recovers(
    private_postgres, portal_database, portal_env, tmp_path
):
    env = {
        **portal_env,
        "DATABASE_URL": portal_database,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "fault-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_CONN_MAX_AGE": "60",
    }
    manage(env, "collectstatic", "--noinput", "-v", "0")
    fixture = last_json_line(manage(env, "shell", "-c", FIXTURE))
    portal = Portal(env, tmp_path / "portal.log", threads=False)
    answers, loading = [], threading.Event()
    loading.set()

    def load(session_key: str, path: str):
        browser = Browser(portal, session_key, fixture["cookie"])
        while loading.is_set():
            status, body, headers = browser.get(path)
            answers.append((time.monotonic(), path, status, body, headers.get("Retry-After")))

    threads = [
        threading.Thread(target=load, args=(fixture[who] if who else "", path))
        for who, path in PAGES * 2
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)
        private_postgres.stop()
        stopped = time.monotonic()
        time.sleep(1)
        private_postgres.start()
        started = time.monotonic()
        time.sleep(3)
        loading.clear()
        for thread in threads:
            thread.join(timeout=30)
        # Restarted again while nobody asks: the kept connection is dead.
        private_postgres.stop()
        private_postgres.start()
        after_idle_restart = Browser(portal, fixture["session"], fixture["cookie"]).get("/tandem/")
    finally:
        loading.clear()
        for thread in threads:
            thread.join(timeout=30)
        still_running = portal.process.poll() is None
        portal.stop()

    assert still_running
    assert {status for _t, _p, status, _b, _r in answers} == {200, 503}, portal.log()
    away = [a for a in answers if stopped < a[0] < started]
    assert away and {path for _t, path, *_ in away} == {path for _who, path in PAGES}
    for _t, _path, status, body, retry_after in answers:
        if status == 503:
            assert retry_after == "10"
            assert "Briefly unavailable" in body and "/static/css/portal." in body
    # Back within a second of the database, for anonymous and logged-in pages alike.
    recovered = [a for a in answers if a[0] > started + 1]
    assert recovered and {status for _t, _p, status, _b, _r in recovered} == {200}
    assert {path for _t, path, *_ in recovered} == {path for _who, path in PAGES}
    assert after_idle_restart[0] == 200
    assert " 500 " not in portal.log()
