"""End to end with a real Celery worker on the real Redis and an SMTP sink: committed changes
are e-mailed once, also when a task is delivered several times or the database fails in the
middle of a sending, and SMTP failures end in ``failed`` with the error after the retries.
Redis faults: test_redis_faults.py."""

import time
from datetime import timedelta

import icalendar
import psycopg
import pytest
from django.db import connection, transaction
from django.urls import reverse

from innohealth.celery import app
from matchmaking.enums import Direction
from matchmaking.models import Meeting, MeetingRequest, OutboxMessage, OutboxStatus
from matchmaking.notifications.outbox import enqueue
from matchmaking.services import meetings as meeting_services
from matchmaking.services import outbox
from matchmaking.services import requests as request_services
from matchmaking.tasks import send_outbox_message

from .conftest import CLOSED_REDIS, database_url, redis_at, settled, start_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _worker(celery_worker, smtp_sink):
    """Every test here runs beside the worker and the sink."""


def ask(people):
    return request_services.request_meeting(
        actor=people.alice,
        tandem=people.tandem,
        institution=people.institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="We would like to meet you.",
    )


def calendar_in(message):
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_a_request_is_e_mailed_once_and_its_meeting_carries_a_calendar_entry(
    client, people, smtp_sink
):
    people.alice.language = "de"
    people.alice.save()
    client.force_login(people.alice)
    made = client.post(
        reverse("request_meeting", args=[people.institution.pk]),
        {"message": "We would like to meet you."},
    )
    assert made.status_code == 302
    request = MeetingRequest.objects.get(tandem=people.tandem, institution=people.institution)
    wait_until(settled)
    time.sleep(0.3)  # a second copy would arrive now
    [received] = smtp_sink.wait_for(1)
    assert received["To"] == "chen@partner.example"
    assert received["Content-Language"] == "zh-hans"
    # In Chinese, with the institution's Chinese name.
    assert received["Subject"].strip() == "[InnoHealth] 新的会谈请求：CardioSense ↔ 华大集团"
    text = received.get_body(("plain",)).get_content()
    assert "We would like to meet you." in text
    assert OutboxMessage.objects.get(kind="request_received").message_id == received["Message-ID"]

    smtp_sink.clear()
    request_services.accept_request(actor=people.chen, request=request)
    meeting = Meeting.objects.get(request=request)
    later = meeting.starts_at + timedelta(minutes=30)
    meeting_services.move_meeting(actor=people.otto, meeting=meeting, start=later)
    wait_until(settled)
    to_alice = [
        m for m in smtp_sink.to("alice@tandem.example") if m.get_content_type() != "text/plain"
    ]
    calendars = sorted(
        (calendar_in(m) for m in to_alice if "text/calendar" in m.as_string()),
        key=lambda pair: pair[1].walk("VEVENT")[0]["SEQUENCE"],
    )
    assert [c.walk("VEVENT")[0]["SEQUENCE"] for _m, c in calendars] == [0, 1]
    method, moved = calendars[1]
    event = moved.walk("VEVENT")[0]
    assert method == moved["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.uid == str(calendars[0][1].walk("VEVENT")[0]["UID"])
    assert event.decoded("DTSTART") == later and event.decoded("DTEND") == later + timedelta(
        minutes=30
    )
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    # One message per row: scheduled and moved (three people each); accepting a request whose
    # meeting is placed is told by "scheduled" alone.
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT).exclude(kind="request_received")
    assert sent.count() == len(smtp_sink.messages) == 6
    assert not sent.filter(kind="request_accepted").exists()


def test_a_task_delivered_several_times_sends_one_e_mail(people, smtp_sink):
    ask(people)
    row = OutboxMessage.objects.get(kind="request_received")
    for _ in range(3):
        send_outbox_message.delay(row.pk)
    wait_until(settled)
    time.sleep(0.5)  # let the duplicates run: each finds the row already claimed
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1
    assert len(smtp_sink.messages) == 1


def test_smtp_refusal_is_retried_with_backoff_then_marked_failed(people, smtp_sink):
    people.chen.email = "bounce-chen@partner.example"
    people.chen.save()
    ask(people)
    wait_until(settled)
    row = OutboxMessage.objects.get(kind="request_received")
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == 3  # OUTBOX_MAX_ATTEMPTS of the test worker
    assert "550" in row.last_error and "mailbox unavailable" in row.last_error
    assert smtp_sink.messages == []


def test_a_row_left_in_sending_by_a_dead_worker_is_sent_after_the_timeout(
    people, smtp_sink, settings
):
    with redis_at(CLOSED_REDIS):
        ask(people)
    row = OutboxMessage.objects.get(kind="request_received")
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_by="dead-worker", claimed_at=row.created_at
    )
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 0
    assert outbox.sweep()["released"] == 1
    wait_until(settled)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.claimed_by != "dead-worker"
    assert len(smtp_sink.messages) == 1


def test_a_worker_killed_in_the_middle_of_a_batch_loses_no_e_mail(
    people, smtp_sink, worker_env, settings
):
    """SIGKILL a second worker while it sends a batch; the sweeper hands what it left (rows
    still pending, the row it was sending) to the other worker. Every e-mail arrives; at most
    the one in flight arrives twice, with the same Message-ID."""
    doomed_queue = worker_env["CELERY_QUEUE"] + "-doomed"
    doomed = start_worker({**worker_env, "CELERY_QUEUE": doomed_queue}, "doomed")
    context = {"request_id": 1, "tandem": "CardioSense", "institution": "BGI Group", "url": ""}
    session_queue = app.conf.task_default_queue
    app.conf.task_default_queue = doomed_queue
    try:
        with transaction.atomic():
            for n in range(150):
                enqueue(
                    kind="request_received",
                    recipient=people.chen,
                    email=f"person{n}@bulk.example",
                    dedupe_key=f"bulk:{n}",
                    context=context,
                )
    finally:
        app.conf.task_default_queue = session_queue
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT)
    wait_until(lambda: sent.count() >= 10)
    doomed.kill()
    doomed.wait(timeout=10)
    doomed.log_path.unlink(missing_ok=True)
    assert sent.count() < 150, "the batch finished before the kill; make it larger"

    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 0
    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 0
    outbox.sweep()
    wait_until(settled, timeout=60)
    assert sent.count() == 150
    message_ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert set(message_ids) == {row.message_id for row in OutboxMessage.objects.all()}
    assert len(message_ids) - len(set(message_ids)) <= 1


def test_a_database_error_in_the_middle_of_a_batch_is_resumed_within_seconds(people, smtp_sink):
    """The worker's database connection is cut while SMTP takes the first e-mail of a batch, as
    in a PostgreSQL restart: the task resumes under its claim a second later, marks that one
    sent and sends the rest, each once (it used to wait for the sweeper, 10 minutes)."""
    request = ask(people)
    wait_until(settled)
    smtp_sink.clear()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [[own_pid]] = cursor.fetchall()

    cut = []

    def cut_the_workers_connection():
        smtp_sink.on_data = None
        with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as killer:
            cut.extend(
                killer.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                    [own_pid],
                )
            )

    smtp_sink.on_data = cut_the_workers_connection
    started = time.monotonic()
    request_services.accept_request(actor=people.chen, request=request)
    wait_until(settled)
    elapsed = time.monotonic() - started
    time.sleep(0.3)  # a second copy would arrive now
    batch = OutboxMessage.objects.exclude(kind="request_received")
    assert batch.count() >= 3
    assert set(batch.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
    message_ids = sorted(m["Message-ID"] for m in smtp_sink.messages)
    assert message_ids == sorted(row.message_id for row in batch)
    assert cut == [(True,)]  # the worker's connection, in the middle of the batch
    assert elapsed < 5  # OUTBOX_DATABASE_RETRY_SECONDS of the test worker: 1
