"""Liveness asks nobody; readiness asks the database and Redis and reads the workers' heartbeat;
a database that goes away mid-request gives the 503 page, not a 500."""

import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from matchmaking import health


@contextmanager
def database_unreachable():
    """Point the connection at a port nothing listens on: really unreachable, not mocked."""
    original = connection.settings_dict.copy()
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(original)


@pytest.mark.django_db
def test_healthz_asks_neither_the_database_nor_anyone_else(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_with_the_database_unreachable(client):
    with database_unreachable():
        response = client.get("/healthz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_reports_the_database_redis_and_the_worker_heartbeat(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = client.get("/readyz").json()
    assert body["database"] == "ok" and body["redis"] == "ok"
    assert body["celery_worker"] == "no heartbeat"

    health.record_worker_heartbeat()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["celery_worker"] == "ok (heartbeat 0 s ago)"

    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 0
    time.sleep(1.1)
    assert client.get("/readyz").json()["celery_worker"].startswith("stale")


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_with_the_database_unreachable(client):
    with database_unreachable():
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@pytest.mark.django_db(transaction=True)
def test_a_lost_database_gives_the_503_page_with_retry_after(people):
    client = Client(raise_request_exception=False)
    client.force_login(people.alice)
    # The session and the user are loaded in middleware, before any view.
    with database_unreachable():
        response = client.get("/tandem/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "Briefly unavailable" in page and 'href="/static/css/portal.css"' in page
    # Back to normal on the next request, without a restart.
    assert client.get("/tandem/").status_code == 200


@pytest.mark.django_db
def test_other_errors_stay_a_500(monkeypatch):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(health, "database_state", broken)
    response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 500
