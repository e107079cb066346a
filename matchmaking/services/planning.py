"""Planning the meeting schedule in the background: one ``PlanningRun`` per plan an organiser
asks for, its progress, stopping it, and saving its plan.

    start_planning  (web)     → queued; the task ``matchmaking.tasks.make_meeting_plan`` is
                                queued after the commit (run in-process without Redis)
    run_planning    (worker)  queued → running → done | failed
    stop_planning   (web)     queued → cancelled at once; running: the worker ends the run with
                              the best plan found until then (done, ``interrupted``)
    save_plan       (web)     done → saved (``apply_schedule``)

The database allows one queued or running run per tour (a partial unique index); a second start
is refused with a message naming the run in the way. A running run writes a heartbeat every
second; one silent for ``LOST_AFTER_SECONDS`` lost its worker and is ended as failed by the
next start, so a crashed worker never blocks planning for good.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from functools import partial

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from innohealth.celery import app as celery_app

from ..enums import ACTIVE_PLANNING_STATUSES, LogAction, PlanningStatus
from ..models import PlanningRun, Tour, User
from ..permissions import is_organiser
from .activity import from_to, log_action
from .errors import DomainError
from .scheduling import SchedulePlan, apply_schedule, plan_schedule

PLAN_TASK = "matchmaking.tasks.make_meeting_plan"
MAX_TIME_LIMIT_SECONDS = 600
HEARTBEAT_SECONDS = 1.0
LOST_AFTER_SECONDS = 60

logger = logging.getLogger("matchmaking.planning")


def _ensure_organiser(actor: User) -> None:
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can plan the meeting schedule."))


def is_lost(run: PlanningRun) -> bool:
    """A running run whose worker has not been heard of for a while."""
    silent_since = timezone.now() - timedelta(seconds=LOST_AFTER_SECONDS)
    return (
        run.status == PlanningStatus.RUNNING and (run.heartbeat_at or run.created_at) < silent_since
    )


def _end_lost_runs(tour: Tour) -> None:
    """Running runs of the tour whose worker died end as failed (their page says why)."""
    silent_since = timezone.now() - timedelta(seconds=LOST_AFTER_SECONDS)
    lost = PlanningRun.objects.select_for_update().filter(
        tour=tour, status=PlanningStatus.RUNNING, heartbeat_at__lt=silent_since
    )
    for run in lost:
        run.status, run.finished_at = PlanningStatus.FAILED, timezone.now()
        run.save(update_fields=["status", "finished_at"])
        log_action(
            actor=None,
            obj=run,
            action=LogAction.STATUS,
            data={"status": from_to(PlanningStatus.RUNNING, PlanningStatus.FAILED)},
        )


def _already_planning(tour: Tour) -> DomainError:
    active = (
        PlanningRun.objects.filter(tour=tour, status__in=ACTIVE_PLANNING_STATUSES)
        .select_related("requested_by")
        .first()
    )
    if active is None:  # ended in the meantime
        return DomainError(_("A plan for this tour was being made a moment ago; please try again."))
    return DomainError(
        _(
            "A plan for this tour is already being made (started by %(person)s at %(time)s). "
            "Wait for it to finish or stop it; nothing was started."
        )
        % {
            "person": active.requested_by or _("the system"),
            "time": timezone.localtime(active.created_at).strftime("%H:%M"),
        }
    )


def start_planning(
    *, actor: User, tour: Tour, time_limit: float, allow_moves: bool = False
) -> PlanningRun:
    """Queue a plan of ``tour``'s meeting schedule; refused while another one is queued or
    running for the tour (the database has the last word when two start at once)."""
    _ensure_organiser(actor)
    if not 0 < time_limit <= MAX_TIME_LIMIT_SECONDS:
        raise DomainError(
            _("The time limit must be more than 0 seconds and at most %(limit)d seconds.")
            % {"limit": MAX_TIME_LIMIT_SECONDS}
        )
    with transaction.atomic():
        _end_lost_runs(tour)
        if PlanningRun.objects.filter(tour=tour, status__in=ACTIVE_PLANNING_STATUSES).exists():
            raise _already_planning(tour)
        try:
            with transaction.atomic():
                run = PlanningRun.objects.create(
                    tour=tour, requested_by=actor, time_limit=time_limit, allow_moves=allow_moves
                )
        except IntegrityError as exc:
            raise _already_planning(tour) from exc
        log_action(
            actor=actor,
            obj=run,
            action=LogAction.PLAN,
            data={"time_limit": time_limit, "allow_moves": allow_moves},
        )
        transaction.on_commit(partial(_queue, run.pk))
    return run


def _queue(run_id: int) -> None:
    """Hand the run to a worker (or run it here when tasks are eager); a broker that cannot be
    reached fails the run with a message instead of leaving it queued for ever."""
    try:
        celery_app.signature(PLAN_TASK, args=(run_id,)).apply_async(retry=False)
    except (BrokerError, OSError) as exc:
        logger.warning("planning run #%s not queued: %s", run_id, exc)
        _finish(
            run_id,
            PlanningStatus.QUEUED,
            PlanningStatus.FAILED,
            error=_("The plan could not be handed to a worker; please try again in a moment."),
        )


def _finish(run_id: int, from_status: str, to_status: str, **fields) -> str:
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().filter(pk=run_id, status=from_status).first()
        if run is None:  # stopped or ended meanwhile
            return "gone"
        run.status, run.finished_at = to_status, timezone.now()
        for name, value in fields.items():
            setattr(run, name, value)
        run.save()
        log_action(
            actor=None,
            obj=run,
            action=LogAction.STATUS,
            data={"status": from_to(from_status, to_status)},
        )
    return to_status


class _Watch:
    """The running plan's line to its row, from a thread of its own: every second it writes the
    optimiser's latest progress and a heartbeat, and reads whether an organiser asked to stop."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stop = threading.Event()
        self.progress: dict = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"planning-{run_id}", daemon=True)

    def on_progress(self, progress) -> None:
        self.progress = {
            "stage": progress.stage,
            "placed": progress.placed,
            "upper_bound": progress.upper_bound,
            "elapsed": round(progress.elapsed, 1),
        }

    def _beat(self) -> None:
        rows = PlanningRun.objects.filter(pk=self.run_id, status=PlanningStatus.RUNNING)
        rows.update(heartbeat_at=timezone.now(), progress=self.progress)
        if rows.filter(stop_requested=True).exists():
            self.stop.set()

    def _loop(self) -> None:
        try:
            while not self._done.wait(HEARTBEAT_SECONDS):
                try:
                    self._beat()
                except DatabaseError as exc:  # the next beat tries again
                    logger.warning("planning run #%s: no heartbeat written: %s", self.run_id, exc)
        finally:
            connection.close()

    def __enter__(self) -> _Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self._thread.join()


def run_planning(run_id: int) -> str:
    """The worker's part: claim the queued run, plan (in the language and zone of the organiser
    who asked), and end it done with the plan, or failed with the reason. A run no longer queued
    (stopped before it began, or taken by an earlier delivery of the task) is left alone."""
    now = timezone.now()
    claimed = PlanningRun.objects.filter(pk=run_id, status=PlanningStatus.QUEUED).update(
        status=PlanningStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return "not queued"
    run = PlanningRun.objects.select_related("tour", "requested_by").get(pk=run_id)
    log_action(
        actor=None,
        obj=run,
        action=LogAction.STATUS,
        data={"status": from_to(PlanningStatus.QUEUED, PlanningStatus.RUNNING)},
    )
    asker = run.requested_by
    with (
        translation.override(asker.language if asker else None),
        timezone.override(asker.time_zone if asker else None),
        _Watch(run.pk) as watch,
    ):
        try:
            plan = plan_schedule(
                tour=run.tour,
                time_limit=run.time_limit,
                allow_moves=run.allow_moves,
                should_stop=watch.stop.is_set,
                on_progress=watch.on_progress,
            )
        except DomainError as exc:
            return _finish(run.pk, PlanningStatus.RUNNING, PlanningStatus.FAILED, error=str(exc))
        except Exception:
            # Recorded for the organiser's page; the error itself goes to the log (and Sentry).
            logger.exception("planning run #%s failed", run.pk)
            return _finish(
                run.pk,
                PlanningStatus.RUNNING,
                PlanningStatus.FAILED,
                error=_(
                    "The planner failed unexpectedly; the error was reported. Please plan again."
                ),
            )
        return _finish(
            run.pk,
            PlanningStatus.RUNNING,
            PlanningStatus.DONE,
            report=plan.to_dict(),
            progress={**watch.progress, "placed": plan.placed},
        )


def stop_planning(*, actor: User, run: PlanningRun) -> PlanningRun:
    """A queued run is cancelled at once; a running one is asked to stop, and its worker ends it
    within a second or so with the best plan found until then."""
    _ensure_organiser(actor)
    with transaction.atomic():
        run = PlanningRun.objects.select_for_update().get(pk=run.pk)
        if run.status == PlanningStatus.QUEUED:
            run.status, run.finished_at = PlanningStatus.CANCELLED, timezone.now()
            run.save(update_fields=["status", "finished_at"])
            data = {"status": from_to(PlanningStatus.QUEUED, PlanningStatus.CANCELLED)}
        elif run.status == PlanningStatus.RUNNING and not run.stop_requested:
            run.stop_requested = True
            run.save(update_fields=["stop_requested"])
            data = {}
        elif run.status == PlanningStatus.RUNNING:
            raise DomainError(_("This plan is already stopping."))
        else:
            raise DomainError(_("This plan is no longer running."))
        log_action(actor=actor, obj=run, action=LogAction.STOP_PLANNING, data=data)
    return run


def save_plan(*, actor: User, run: PlanningRun) -> SchedulePlan:
    """Apply the plan of a finished run (``apply_schedule``: all or nothing, refused when
    anything it was made from changed) and remember that it was saved."""
    _ensure_organiser(actor)
    with transaction.atomic():
        # The tour first, as every change that touches all its calendars locks it.
        Tour.objects.select_for_update().filter(pk=run.tour_id).first()
        run = PlanningRun.objects.select_for_update().get(pk=run.pk)
        if run.status != PlanningStatus.DONE or run.report is None:
            raise DomainError(_("This plan is not finished, so it cannot be saved."))
        if run.saved_at is not None:
            raise DomainError(_("This plan was saved already."))
        plan = SchedulePlan.from_dict(run.report)
        if not plan.changes:
            raise DomainError(_("Nothing to save: no meeting is new or moved."))
        apply_schedule(actor=actor, plan=plan)
        run.saved_at, run.saved_by = timezone.now(), actor
        run.save(update_fields=["saved_at", "saved_by"])
        log_action(
            actor=actor,
            obj=run,
            action=LogAction.SAVE_PLAN,
            data={"new": len(plan.new), "moved": len(plan.moves)},
        )
    return plan
