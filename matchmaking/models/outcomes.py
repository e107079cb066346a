"""What one side of a meeting says came of it, asked after the meeting's end.

One row per meeting and side (``Party``: the tandem's or the institution's), written and changed
only by ``services.outcomes.record_outcome`` until the tour is finished; whoever of that side
answers last speaks for it. ``attendance`` says whether the meeting took place (``held``) or the
other side did not come (``no_show``); ``result`` is the furthest step it led to (empty after a
no-show). Organisers compare the two sides' rows (``selectors.outcomes``); follow-ups of a
contact may read them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..enums import Attendance, OutcomeResult, Party
from .choices import ChoiceLabels

NOTE_MAX_LENGTH = 1000


class MeetingOutcome(ChoiceLabels, models.Model):
    meeting = models.ForeignKey(
        "matchmaking.Meeting",
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("meeting"),
    )
    side = models.CharField(_("side"), max_length=16, choices=Party.choices)
    attendance = models.CharField(_("took place?"), max_length=16, choices=Attendance.choices)
    result = models.CharField(
        _("what came of it"), max_length=24, choices=OutcomeResult.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        ordering = ["meeting", "side"]
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "side"], name="one_outcome_per_side"),
            models.CheckConstraint(
                condition=Q(side__in=Party.values), name="meeting_outcome_side_known"
            ),
            models.CheckConstraint(
                condition=Q(attendance=Attendance.HELD, result__in=OutcomeResult.values)
                | Q(attendance=Attendance.NO_SHOW, result=""),
                name="meeting_outcome_result_only_when_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.get_side_display()}: {self.get_attendance_display()}"
