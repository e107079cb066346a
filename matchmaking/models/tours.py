from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..enums import TourStatus
from ..places import at_local
from ..windows import window_date_problem, window_problem
from .choices import ChoiceLabels
from .validators import validate_time_zone


class Tour(ChoiceLabels, models.Model):
    """One edition of a matchmaking campaign."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=8000)
    status = models.CharField(
        _("status"), max_length=16, choices=TourStatus.choices, default=TourStatus.DRAFT
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    tandem_time_zone = models.CharField(
        _("tandems' home time zone"),
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_time_zone],
    )
    partner_time_zone = models.CharField(
        _("partners' home time zone"),
        max_length=64,
        default="Asia/Shanghai",
        validators=[validate_time_zone],
    )
    impressions_video_url = models.URLField(_("impressions video URL"), blank=True)
    request_expiry_days = models.PositiveSmallIntegerField(
        _("days before an unanswered request expires"), default=7
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when an organiser anonymised the finished tour (services/personal_data.py).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tour")
        verbose_name_plural = _("tours")
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=240),
                name="tour_slot_minutes_between_5_and_240",
            ),
            models.CheckConstraint(
                condition=Q(request_expiry_days__gte=1), name="tour_request_expiry_at_least_a_day"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_requests(self) -> bool:
        return self.status in (TourStatus.OPEN, TourStatus.RUNNING)


class TourDay(models.Model):
    """A day of the tour and its meeting window (stored in UTC)."""

    tour = models.ForeignKey(
        Tour, on_delete=models.CASCADE, related_name="days", verbose_name=_("tour")
    )
    date = models.DateField(_("date"))
    window_start = models.DateTimeField(_("meeting window starts"))
    window_end = models.DateTimeField(_("meeting window ends"))

    class Meta:
        ordering = ["tour", "date"]
        verbose_name = _("tour day")
        verbose_name_plural = _("tour days")
        constraints = [
            models.UniqueConstraint(fields=["tour", "date"], name="one_tour_day_per_date"),
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")),
                name="tour_day_window_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tour} – {self.date.isoformat()}"

    def clean(self) -> None:
        # In the tour's admin page the tour may be new or have a new slot length: use the object.
        tour = getattr(self, "tour", None)
        if tour is None or self.window_start is None or self.window_end is None:
            return
        problems = [
            window_problem(
                slot_minutes=tour.slot_minutes,
                window_start=self.window_start,
                window_end=self.window_end,
            ),
            self.date
            and window_date_problem(
                day=self.date,
                window_start=self.window_start,
                time_zones=(tour.tandem_time_zone, tour.partner_time_zone),
            ),
        ]
        if any(problems):
            raise ValidationError([problem for problem in problems if problem])


class BlockedSlot(models.Model):
    """A slot in which a tandem or an institution cannot meet."""

    tour = models.ForeignKey(
        Tour, on_delete=models.CASCADE, related_name="blocked_slots", verbose_name=_("tour")
    )
    tandem = models.ForeignKey(
        "matchmaking.Tandem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tandem"),
    )
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    starts_at = models.DateTimeField(_("slot start"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("unavailable slot")
        verbose_name_plural = _("unavailable slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(tandem__isnull=True, institution__isnull=False)
                | Q(tandem__isnull=False, institution__isnull=True),
                name="blocked_slot_belongs_to_one_participant",
            ),
            models.UniqueConstraint(
                fields=["tandem", "starts_at"],
                condition=Q(tandem__isnull=False),
                name="blocked_slot_unique_for_tandem",
            ),
            models.UniqueConstraint(
                fields=["institution", "starts_at"],
                condition=Q(institution__isnull=False),
                name="blocked_slot_unique_for_institution",
            ),
        ]

    def __str__(self) -> str:
        tour = self.tour
        when = at_local(self.starts_at, tour.tandem_time_zone, tour.partner_time_zone)
        return f"{self.tandem or self.institution} @ {when}"
