"""A background run of the meeting planner: what an organiser asked for, where the run is, and
its report. The planner's page reads this row, so it survives a reload and a worker restart."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..enums import ACTIVE_PLANNING_STATUSES, PlanningStatus
from .choices import ChoiceLabels


class PlanningRun(ChoiceLabels, models.Model):
    """One run of the optimiser for a tour. Change its status only via services/planning.py."""

    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="planning_runs",
        verbose_name=_("tour"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    time_limit = models.FloatField(_("time limit (seconds)"))
    allow_moves = models.BooleanField(_("scheduled meetings may move"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PlanningStatus.choices,
        default=PlanningStatus.QUEUED,
        editable=False,
    )
    # Set by the organiser's "stop"; the worker ends the run with the best plan found so far.
    stop_requested = models.BooleanField(
        default=False, editable=False, verbose_name=_("stop requested")
    )
    # The optimiser's last report: stage, meetings placed, upper bound, seconds elapsed.
    progress = models.JSONField(
        default=dict, blank=True, editable=False, verbose_name=_("progress")
    )
    # The plan (services.scheduling.SchedulePlan.to_dict()) once done.
    report = models.JSONField(null=True, blank=True, editable=False, verbose_name=_("report"))
    error = models.TextField(_("why it failed"), blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("started at")
    )
    # Written by the running worker every second; a run silent for long lost its worker.
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("heartbeat at")
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    saved_at = models.DateTimeField(_("saved"), null=True, blank=True, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        constraints = [
            models.UniqueConstraint(
                fields=["tour"],
                condition=Q(status__in=ACTIVE_PLANNING_STATUSES),
                name="one_planning_run_per_tour_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tour} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PLANNING_STATUSES
