"""The outbox: send each written e-mail exactly once.

Rows are written by ``notifications`` inside a service's transaction (``notifications.outbox``),
and their Celery task is queued only after the commit. ``send_message`` claims the row with a
compare-and-set UPDATE, so duplicate or redelivered tasks find nothing to do. ``sweep`` is the
safety net run by Celery beat: it re-queues rows whose task never reached the broker and frees
rows a dead worker left in ``sending``.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import LogAction
from ..models import OutboxMessage, OutboxStatus, User
from ..notifications.kinds import is_obsolete
from ..notifications.mime import build_email
from ..notifications.outbox import publish
from ..permissions import is_organiser
from .activity import from_to, log_action
from .errors import DomainError

logger = logging.getLogger("matchmaking.outbox")


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def retry_delay(attempts: int) -> float:
    """Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt."""
    return settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def send_message(message_id: int) -> str:
    """Claim the row, send it, mark it sent. Returns what happened (for logs and tests)."""
    worker, now = _worker_name(), timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).update(
        status=OutboxStatus.SENDING,
        claimed_at=now,
        claimed_by=worker,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "not-claimed"
    mine = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.SENDING, claimed_by=worker
    )
    message = OutboxMessage.objects.select_related("recipient").get(pk=message_id)
    try:
        if is_obsolete(message):
            mine.update(status=OutboxStatus.SKIPPED, last_error="")
            return "skipped"
        build_email(message).send()
    except (smtplib.SMTPException, OSError) as exc:
        return _attempt_failed(message, mine, exc)
    except Exception as exc:  # noqa: BLE001 — a broken template must end failed, not loop
        logger.exception("outbox #%s could not be built", message_id)
        mine.update(status=OutboxStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}")
        return "failed"
    mine.update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def _attempt_failed(message: OutboxMessage, mine, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        mine.update(status=OutboxStatus.FAILED, last_error=error)
        logger.error("outbox #%s failed after %s attempts: %s", message.pk, message.attempts, error)
        return "failed"
    delay = retry_delay(message.attempts)
    mine.update(
        status=OutboxStatus.PENDING,
        last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        claimed_by="",
    )
    logger.warning(
        "outbox #%s attempt %s failed, retry in %ss", message.pk, message.attempts, delay
    )
    publish(message.pk, countdown=delay)
    return "retry"


def sweep(*, now=None, batch: int = 1000) -> dict[str, int]:
    """Free rows stuck in ``sending`` and re-queue pending rows whose task was lost."""
    now = now or timezone.now()
    released = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS),
    ).update(status=OutboxStatus.PENDING, claimed_by="", next_attempt_at=now)
    stale_queue = now - timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale_queue))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    queued = sum(publish(pk) for pk in due)
    if released or due:
        logger.info("outbox sweep: %s released, %s of %s queued", released, queued, len(due))
    return {"released": released, "due": len(due), "queued": queued}


def retry_message(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """An organiser sends a failed or skipped e-mail again (e.g. after fixing the address); a
    skipped one that is still out of date is skipped again."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.status not in (OutboxStatus.FAILED, OutboxStatus.SKIPPED):
            raise DomainError(_("Only a failed or skipped e-mail can be sent again."))
        from_status = message.status
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        log_action(
            actor=actor,
            obj=message,
            action=LogAction.RETRY,
            data={"status": from_to(from_status, message.status)},
        )
        transaction.on_commit(partial(publish, message.pk))
    return message
