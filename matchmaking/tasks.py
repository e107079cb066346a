"""Celery tasks: thin, ids in, each calls one service. Beat runs the periodic ones
(see CELERY_BEAT_SCHEDULE); nothing waits in the broker for hours as an ETA task."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import health
from .services import followups, outbox, planning, reminders

# Resumes after a database error: 5, 10, 20 … s (OUTBOX_DATABASE_RETRY_SECONDS), about 20 min in
# all; after that the sweeper takes the rows over.
DATABASE_RETRIES = 8


@shared_task(bind=True, ignore_result=True, max_retries=DATABASE_RETRIES)
def send_outbox_message(
    self, message_id: int, claim: str = "", sent: list[int] | None = None
) -> str:
    try:
        return outbox.send_message(message_id, claim=claim, sent=sent or ())
    except outbox.SendInterrupted as interrupted:
        raise self.retry(
            args=(message_id,),
            kwargs={"claim": interrupted.claim, "sent": interrupted.sent},
            countdown=outbox.retry_delay(
                self.request.retries + 1, base=settings.OUTBOX_DATABASE_RETRY_SECONDS
            ),
            exc=interrupted,
        ) from interrupted


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    return outbox.sweep()


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    return reminders.queue_due_reminders()


@shared_task(ignore_result=True)
def ask_for_outcomes() -> int:
    return reminders.ask_for_outcomes()


@shared_task(ignore_result=True)
def nudge_and_expire_requests() -> dict:
    return reminders.nudge_and_expire_requests()


@shared_task(ignore_result=True)
def make_meeting_plan(run_id: int) -> str:
    """A plan of a tour's meeting schedule (services/planning.py); the optimiser and OR-Tools
    are imported only here, when a run needs them, never when a worker starts."""
    return planning.run_planning(run_id)


@shared_task(ignore_result=True)
def send_follow_up_reminders() -> int:
    return followups.queue_follow_up_reminders()


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> float:
    return health.record_worker_heartbeat()


@worker_ready.connect
def _heartbeat_at_start(**kwargs) -> None:
    """Ready as soon as a worker runs, not only after beat's first tick."""
    health.record_worker_heartbeat()
