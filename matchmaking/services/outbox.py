"""The outbox: send each written e-mail exactly once.

Rows are written by ``notifications`` inside a service's transaction (``notifications.outbox``),
and their Celery task is queued only after the commit. ``send_message`` claims the row with a
compare-and-set UPDATE, so duplicate or redelivered tasks find nothing to do; a task claims a
batch of due rows (its own first) and sends them over one SMTP connection. A database error in
the middle of a batch is resumed by its task within seconds (``SendInterrupted``). ``sweep`` is
the safety net run by Celery beat: it re-queues rows whose task never reached the broker and
frees rows a dead worker left in ``sending``.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import uuid
from contextlib import suppress
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import LogAction
from ..models import OutboxMessage, OutboxStatus, User
from ..notifications.kinds import is_obsolete
from ..notifications.mime import build_email
from ..notifications.outbox import publish, publish_many
from ..permissions import is_organiser
from .activity import from_to, log_action
from .errors import DomainError

logger = logging.getLogger("matchmaking.outbox")


class SendInterrupted(Exception):
    """The database failed in the middle of a batch. The task resumes within seconds under the
    same ``claim`` (rather than waiting for the sweeper to release the rows); ``sent`` names the
    rows SMTP had already taken, which the resumed run only marks."""

    def __init__(self, claim: str, sent: list[int]):
        super().__init__(claim, sent)
        self.claim, self.sent = claim, sent


def _new_claim() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delay(attempts: int, base: float | None = None) -> float:
    """Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS if base is None else base
    return base * 2 ** max(attempts - 1, 0)


def _claim(message_id: int, claim: str, now) -> list[OutboxMessage]:
    """Take the row and up to ``OUTBOX_BATCH_SIZE - 1`` other due rows in one transaction, its
    own row first. Rows another worker is claiming are skipped, not waited for; a claimed row
    is ``sending`` and no other task can take it, except a resumed run of the same ``claim``.
    A task that finds nothing due (its row went out in another task's batch) asks nothing more."""
    due = OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, claimed_by=claim)
    )
    own_first = (Case(When(pk=message_id, then=0), default=1), "next_attempt_at", "pk")
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by(*own_first)
            .values_list("pk", flat=True)[: settings.OUTBOX_BATCH_SIZE]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).update(
            # A resumed run counts no new attempt for the rows it already holds.
            attempts=Case(
                When(status=OutboxStatus.SENDING, then=F("attempts")),
                default=F("attempts") + 1,
            ),
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claimed_by=claim,
        )
    # In the order they were claimed in (own row first), without asking the database again.
    position = {pk: n for n, pk in enumerate(ids)}
    rows = OutboxMessage.objects.filter(pk__in=ids).select_related("recipient")
    return sorted(rows, key=lambda row: position[row.pk])


def send_message(message_id: int, *, claim: str = "", sent: list[int] | tuple = ()) -> str:
    """Claim the row (with a batch of other due rows), send them over one SMTP connection and
    mark each one sent as soon as it is, so a worker killed in the middle leaves at most the
    message in flight to be sent again. Returns what happened to this row (for logs and tests);
    a row another task already claimed is "not-claimed". ``claim`` and ``sent`` come from a
    :class:`SendInterrupted` when a run is resumed."""
    claim = claim or _new_claim()
    handed_over = set(sent)  # to SMTP, not yet marked sent
    outcomes = {}
    connection = get_connection()
    try:
        for message in _claim(message_id, claim, timezone.now()):
            outcomes[message.pk] = _send_claimed(message, claim, connection, handed_over)
    except DatabaseError as exc:
        logger.warning("outbox #%s interrupted by the database, resuming soon: %s", message_id, exc)
        raise SendInterrupted(claim, sorted(handed_over)) from exc
    finally:
        _close(connection)
    return outcomes.get(message_id, "not-claimed")


def _close(connection) -> None:
    # A connection the server already dropped cannot say goodbye; that is no error here.
    with suppress(smtplib.SMTPException, OSError):
        connection.close()


def _send_claimed(message: OutboxMessage, claim: str, connection, handed_over: set[int]) -> str:
    mine = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, claimed_by=claim
    )
    if message.pk in handed_over:
        return _mark_sent(message, mine, handed_over)
    try:
        if is_obsolete(message):
            mine.update(status=OutboxStatus.SKIPPED, last_error="")
            return "skipped"
        email = build_email(message)
        connection.open()  # once per batch; again after an error closed it
        connection.send_messages([email])
    except DatabaseError:
        raise
    except (smtplib.SMTPException, OSError) as exc:
        # After a refusal the session may be in any state: the next message starts afresh.
        _close(connection)
        return _attempt_failed(message, mine, exc)
    except Exception as exc:  # noqa: BLE001 — a broken template must end failed, not loop
        logger.exception("outbox #%s could not be built", message.pk)
        mine.update(status=OutboxStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}")
        return "failed"
    handed_over.add(message.pk)
    return _mark_sent(message, mine, handed_over)


def _mark_sent(message: OutboxMessage, mine, handed_over: set[int]) -> str:
    mine.update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    handed_over.discard(message.pk)
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
    queued = publish_many(due)
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
