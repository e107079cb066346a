from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..places import at_local
from ..windows import break_problem
from .tours import TourDay


class WindowBreak(models.Model):
    """A pause inside a day's meeting window (lunch, a plenary): no meeting slot overlaps it."""

    day = models.ForeignKey(
        TourDay, on_delete=models.CASCADE, related_name="breaks", verbose_name=_("day")
    )
    starts_at = models.DateTimeField(_("break starts"))
    ends_at = models.DateTimeField(_("break ends"))

    class Meta:
        ordering = ["day", "starts_at"]
        verbose_name = _("break")
        verbose_name_plural = _("breaks")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="window_break_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        tour = self.day.tour
        ends = timezone.localtime(self.ends_at)
        when = at_local(self.starts_at, tour.tandem_time_zone, tour.partner_time_zone)
        return f"{when} – {ends:%H:%M}"

    def clean(self) -> None:
        # In an admin inline the day may be new and unsaved, so ask for the object, not its id.
        day = getattr(self, "day", None) if self.starts_at and self.ends_at else None
        if day is None or day.window_start is None or day.window_end is None:
            return
        problem = break_problem(
            window_start=day.window_start,
            window_end=day.window_end,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
        )
        if problem:
            raise ValidationError(problem)
