"""Redis away, stopped (a closed port) or frozen (a private redis-server under SIGSTOP): logging
in, browsing and changes work and stay quick, because the cache and the broker give up after
REDIS_TIMEOUT_SECONDS and then leave Redis alone for a while; once Redis is back the sweeper
queues the e-mails written meanwhile and each goes out once."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from matchmaking.enums import Direction
from matchmaking.models import OutboxMessage
from matchmaking.services import outbox
from matchmaking.services import requests as request_services

from ..factories import PASSWORD
from .conftest import _free_port, redis_at, settled, start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_with_redis_stopped_people_log_in_browse_and_ask_and_the_e_mail_follows(
    people, smtp_sink, celery_worker
):
    client = Client()
    with redis_at(f"redis://127.0.0.1:{_free_port()}/0"):  # nothing listens there
        logged_in, login_took = timed(lambda: log_in(client, people.alice))
        browsed, browse_took = timed(lambda: client.get(reverse("directory")))
        asked, ask_took = timed(
            lambda: client.post(
                reverse("request_meeting", args=[people.institution.pk]),
                {"message": "We would like to meet you."},
            )
        )
    assert logged_in.status_code == 302 and logged_in["Location"] == reverse("tandem_dashboard")
    assert browsed.status_code == 200 and "BGI Group" in browsed.content.decode()
    assert asked.status_code == 302
    assert max(login_took, browse_took, ask_took) < 2
    row = OutboxMessage.objects.get(kind="request_received")
    assert row.queued_at is None
    time.sleep(0.3)
    assert smtp_sink.messages == []

    # Redis is back: the shared one, where the session's worker listens.
    assert outbox.sweep()["queued"] == 1
    wait_until(settled)
    assert outbox.sweep()["due"] == 0
    time.sleep(0.3)
    assert [m["To"] for m in smtp_sink.messages] == ["chen@partner.example"]


def test_with_redis_frozen_changes_wait_one_timeout_and_the_e_mails_go_out_once_it_thaws(
    people, smtp_sink, celery_worker, worker_env, private_redis, settings
):
    """A second worker on a private Redis, on the session worker's queue name."""
    worker = start_worker({**worker_env, "REDIS_URL": private_redis.url}, "private-redis")
    client = Client()
    try:
        with redis_at(private_redis.url):
            request = request_services.request_meeting(
                actor=people.alice,
                tandem=people.tandem,
                institution=people.institution,
                direction=Direction.TANDEM_TO_INSTITUTION,
                message="We would like to meet you.",
            )
            wait_until(settled)
            smtp_sink.clear()

            settings.REDIS_RETRY_SECONDS = 10  # as in production: one timeout, then no tries
            private_redis.freeze()
            logged_in, login_took = timed(lambda: log_in(client, people.chen))
            browsed, browse_took = timed(lambda: client.get(reverse("partner_dashboard")))
            # Accepting writes an e-mail to each tandem member and the partner: one timeout.
            accepted, accept_took = timed(
                lambda: client.post(reverse("request_accept", args=[request.pk]), {"start": ""})
            )
            written = OutboxMessage.objects.exclude(kind="request_received")
            assert written.count() >= 3 and not written.filter(queued_at__isnull=False).exists()

            private_redis.thaw()
            settings.REDIS_RETRY_SECONDS = 0  # the retry window has passed
            outbox.sweep()
            wait_until(settled)
            time.sleep(0.5)  # a second copy would arrive now
    finally:
        stop_worker(worker)
    assert logged_in["Location"] == reverse("partner_dashboard")
    assert browsed.status_code == 200
    assert accepted.status_code == 302
    assert login_took < 2 and browse_took < 2 and accept_took < 2
    message_ids = sorted(m["Message-ID"] for m in smtp_sink.messages)
    assert message_ids == sorted(row.message_id for row in written)
