"""A plan made in the background by a real Celery worker on the real Redis: its page shows the
progress while it runs, the organiser stops it, its report comes back, and saving it sends the
e-mails through the outbox and the worker to the SMTP sink."""

import pytest
from django.urls import reverse

from matchmaking.enums import PlanningStatus
from matchmaking.models import Meeting, PlanningRun

from .. import factories
from .conftest import settled, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _worker(celery_worker, smtp_sink):
    """Every test here runs beside the worker and the sink."""


def busy_tour(people, size=12, requests=90):
    """The personas' tour with ``size`` more tandems and institutions and ``requests`` accepted
    requests among them: enough for the optimiser to work the whole time limit."""
    tandems = [people.tandem] + [factories.TandemFactory(tour=people.tour) for _ in range(size)]
    institutions = [people.institution] + [
        factories.InstitutionFactory(tours=[people.tour]) for _ in range(size)
    ]
    pairs = [(t, i) for t in tandems for i in institutions][:requests]
    for tandem, institution in pairs:
        factories.AcceptedRequestFactory(tandem=tandem, institution=institution)
    return len(pairs)


def test_a_background_plan_shows_progress_stops_on_request_and_is_saved(client, people, smtp_sink):
    busy_tour(people)
    client.force_login(people.otto)
    started = client.post(
        reverse("admin:matchmaking_tour_schedule", args=[people.tour.pk]), {"time_limit": "120"}
    )
    run = PlanningRun.objects.get()
    assert started.status_code == 302 and started["Location"].endswith(f"/schedule/{run.pk}/")

    def progressing():
        run.refresh_from_db()
        return run.status == PlanningStatus.RUNNING and run.progress.get("stage")

    wait_until(progressing, timeout=60)
    page = client.get(started["Location"]).content.decode()
    assert "Planning" in page and 'http-equiv="refresh"' in page and "<progress" in page
    assert "Stop planning" in page

    client.post(started["Location"], {"stop": "1"})

    def ended():
        run.refresh_from_db()
        return run.status == PlanningStatus.DONE

    wait_until(ended, timeout=30)
    assert run.report["interrupted"] and run.progress["elapsed"] < 100
    assert run.heartbeat_at is not None
    page = client.get(started["Location"]).content.decode()
    assert "stopped early" in page and 'http-equiv="refresh"' not in page

    client.post(started["Location"], {"save": "1"})
    saved = Meeting.objects.filter(tour=people.tour).count()
    assert saved == run.progress["placed"] > 0
    wait_until(settled, timeout=60)
    to_alice = smtp_sink.to("alice@tandem.example")
    assert to_alice and all("CardioSense" in m["Subject"] for m in to_alice)
