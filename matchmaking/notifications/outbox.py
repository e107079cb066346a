"""Writing the outbox: a row per e-mail inside the caller's transaction, its Celery task queued
only after the commit. Sending, retrying and sweeping are services (``services/outbox.py``).

The task is queued by name through the Celery app, so this package never imports the tasks
module (which imports the services, which import this package).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from innohealth.celery import app as celery_app
from innohealth.outage import Outage

from ..models import OutboxMessage, User

SEND_TASK = "matchmaking.tasks.send_outbox_message"

logger = logging.getLogger("matchmaking.outbox")


def _row(
    *,
    kind: str,
    dedupe_key: str,
    context: dict,
    recipient: User | None = None,
    email: str = "",
    language: str = "",
    time_zone: str = "",
    ics: bytes | str = "",
    ics_method: str = "",
) -> OutboxMessage:
    return OutboxMessage(
        recipient=recipient,
        email=email or recipient.email,
        kind=kind,
        language=language or recipient.language,
        time_zone=time_zone or recipient.time_zone,
        context=context,
        ics=ics.decode() if isinstance(ics, bytes) else ics,
        ics_method=ics_method,
        dedupe_key=dedupe_key[:200],
    )


def enqueue(**fields) -> OutboxMessage | None:
    """Write one e-mail (the keywords of ``_row``); None when the same notification
    (``dedupe_key``) was written before."""
    try:
        with transaction.atomic():
            message = _row(**fields)
            message.save(force_insert=True)
    except IntegrityError:
        return None
    transaction.on_commit(partial(publish_many, [message.pk]))
    return message


def enqueue_many(rows: list[dict]) -> int:
    """Write many e-mails in one statement (a batch plan's); how many were written. When one of
    them was written meanwhile by another process, each is written on its own instead, so
    that one is skipped and the others still go out."""
    if not rows:
        return 0
    try:
        with transaction.atomic():
            messages = OutboxMessage.objects.bulk_create([_row(**fields) for fields in rows])
    except IntegrityError:
        return sum(enqueue(**fields) is not None for fields in rows)
    transaction.on_commit(partial(publish_many, [message.pk for message in messages]))
    return len(messages)


_broker_outage = Outage("outbox")


def publish(message_id: int, countdown: float | None = None) -> bool:
    """One row (a retry after ``countdown`` seconds, an organiser's "send again")."""
    return publish_many([message_id], countdown) == 1


def publish_many(message_ids: list[int], countdown: float | None = None) -> int:
    """Hand each row to the broker as its own task, and note when, for all of them in one
    statement; how many were queued. A broker that is down must not break the change that wrote
    the rows: they stay pending and the sweeper queues them again. After one failure the
    process stops trying for a while, so a change writing many e-mails waits at most one
    timeout."""
    queued = []
    for message_id in message_ids:
        if _broker_outage.ongoing():
            break
        try:
            # A signature by name runs in-process when tasks are eager (no Redis) like the task
            # would.
            celery_app.signature(SEND_TASK, args=(message_id,)).apply_async(
                countdown=countdown, retry=False
            )
        except (BrokerError, OSError) as exc:
            _broker_outage.failed(exc)
            logger.warning("outbox #%s not queued, the sweeper will retry: %s", message_id, exc)
            break
        _broker_outage.answered()
        queued.append(message_id)
    if queued:
        queued_at = timezone.now() + timedelta(seconds=countdown or 0)
        OutboxMessage.objects.filter(pk__in=queued).update(queued_at=queued_at)
    return len(queued)
