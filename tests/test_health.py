import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_is_200_with_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"] in ("ok", "not configured")
    assert "celery_worker" in body


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_with_the_database_unreachable(client):
    original = connection.settings_dict.copy()
    connection.close()
    # A port nothing listens on: the database is really unreachable, not mocked.
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
