"""The outbox's own rules: one claim per row, backoff, failure with the error, the sweeper,
and the organisers' view and retry in the admin."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from innohealth.celery import app
from matchmaking.models import ActivityLog, OutboxMessage, OutboxStatus
from matchmaking.notifications.outbox import enqueue
from matchmaking.services import DomainError, outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(people):
    return enqueue(
        kind="request_received",
        recipient=people.chen,
        dedupe_key="test:row",
        context={
            "request_id": 1,
            "tandem": "CardioSense",
            "institution": "BGI Group",
            "message": "Hi",
            "url": "http://127.0.0.1:8000/dashboard/",
        },
    )


def test_a_row_is_claimed_and_sent_once(row):
    assert outbox.send_message(row.pk) == "sent"
    assert outbox.send_message(row.pk) == "not-claimed"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1 and row.claimed_by and row.sent_at


def test_a_resumed_sending_only_marks_the_row_its_claim_holds(row):
    """After a database error the task resumes with its claim; SMTP had taken the e-mail."""
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_by="worker:1:abc", attempts=1
    )
    assert outbox.send_message(row.pk, claim="worker:2:def", sent=[row.pk]) == "not-claimed"
    assert outbox.send_message(row.pk, claim="worker:1:abc", sent=[row.pk]) == "sent"
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1
    assert mail.outbox == []


def test_the_same_dedupe_key_is_written_once(people, row):
    again = enqueue(
        kind="request_received", recipient=people.chen, dedupe_key="test:row", context={}
    )
    assert again is None
    assert OutboxMessage.objects.count() == 1


def test_smtp_errors_back_off_exponentially_then_fail_with_the_error(row, settings, smtp_sink):
    settings.EMAIL_PORT = 9  # nothing listens: connection refused
    settings.OUTBOX_MAX_ATTEMPTS = 3
    delays = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        outcome = outbox.send_message(row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt and "Connection refused" in row.last_error
        if attempt < 3:
            assert outcome == "retry" and row.status == OutboxStatus.PENDING
            delays.append((row.next_attempt_at - before).total_seconds())
            assert outbox.send_message(row.pk) == "not-claimed"  # not due yet
            OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outcome == "failed" and row.status == OutboxStatus.FAILED
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    assert base <= delays[0] < base + 5 and 2 * base <= delays[1] < 2 * base + 5
    assert smtp_sink.messages == []


def test_a_row_that_cannot_be_built_fails_instead_of_looping(people):
    broken = enqueue(kind="no_such_kind", recipient=people.chen, dedupe_key="x", context={})
    assert outbox.send_message(broken.pk) == "failed"
    broken.refresh_from_db()
    assert broken.status == OutboxStatus.FAILED and "no_such_kind" in broken.last_error


def test_the_sweeper_frees_stuck_rows_and_queues_lost_ones(row, settings):
    now = timezone.now()
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_at=now - timedelta(minutes=5), claimed_by="gone"
    )
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 600
    assert outbox.sweep(now=now) == {"released": 0, "due": 0, "queued": 0}
    result = outbox.sweep(now=now + timedelta(minutes=6))
    assert result["released"] == 1 and result["due"] == 1 and result["queued"] == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.queued_at is not None
    # Just queued: sweeps leave it to the broker until OUTBOX_REQUEUE_AFTER_SECONDS pass.
    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 300
    assert outbox.sweep(now=timezone.now() + timedelta(minutes=4))["due"] == 0
    assert outbox.sweep(now=timezone.now() + timedelta(minutes=6))["due"] == 1


def test_organisers_see_the_outbox_and_retry_a_failed_e_mail(client, people, row):
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.FAILED, attempts=5, last_error="SMTPRecipientsRefused: 550"
    )
    with pytest.raises(DomainError):
        outbox.retry_message(actor=people.chen, message=row)
    client.force_login(people.otto)
    changelist = reverse("admin:matchmaking_outboxmessage_changelist")
    listing = client.get(changelist, {"status__exact": "failed"})
    assert "chen@partner.example" in listing.content.decode()
    detail = client.get(reverse("admin:matchmaking_outboxmessage_change", args=[row.pk]))
    assert "SMTPRecipientsRefused: 550" in detail.content.decode()
    client.post(changelist, {"action": "retry", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    assert ActivityLog.objects.about(row).filter(action="retry").exists()
    assert outbox.send_message(row.pk) == "sent"
    with pytest.raises(DomainError, match="Only a failed or skipped"):
        outbox.retry_message(actor=people.otto, message=row)
    # Each kind in the organiser's words, in the list and its filter.
    people.otto.language = "de"
    people.otto.save(update_fields=["language"])
    german = client.get(changelist).content.decode()
    assert '<td class="field-kind">Anfrage erhalten</td>' in german
    assert ">Treffen eingeplant</a>" in german and ">meeting_scheduled<" not in german


def test_every_beat_job_is_a_registered_task_that_runs(people):
    """The schedule names real tasks; each runs (here in-process) and reports what it did."""
    names = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {
        "matchmaking.tasks.sweep_outbox",
        "matchmaking.tasks.send_due_reminders",
        "matchmaking.tasks.ask_for_outcomes",
        "matchmaking.tasks.nudge_and_expire_requests",
        "matchmaking.tasks.send_follow_up_reminders",
        "matchmaking.tasks.record_worker_heartbeat",
    }
    for name in names:
        assert name in app.tasks
        result = app.tasks[name].apply().get()
        assert result is not None
