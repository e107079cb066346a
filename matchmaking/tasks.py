"""Celery tasks: thin, ids in, each calls one service. Beat runs the periodic ones
(see CELERY_BEAT_SCHEDULE); nothing waits in the broker for hours as an ETA task."""

from celery import shared_task

from .services import outbox, reminders


@shared_task(ignore_result=True)
def send_outbox_message(message_id: int) -> str:
    return outbox.send_message(message_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    return outbox.sweep()


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    return reminders.queue_due_reminders()


@shared_task(ignore_result=True)
def nudge_and_expire_requests() -> dict:
    return reminders.nudge_and_expire_requests()
