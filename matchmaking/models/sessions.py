from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..enums import REGISTRATION_KINDS, SessionKind
from .choices import ChoiceLabels

# The query form of ``Session.takes_registrations``.
TAKES_REGISTRATIONS = Q(registration=True) | Q(
    registration__isnull=True, kind__in=REGISTRATION_KINDS
)


class Speaker(models.Model):
    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="speakers",
        verbose_name=_("tour"),
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=40, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
        verbose_name=_("institution"),
    )
    bio = models.TextField(_("short bio"), blank=True, max_length=2000)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["tour", "order", "name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return f"{self.title} {self.name}".strip()


class Supporter(models.Model):
    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="supporters",
        verbose_name=_("tour"),
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["tour", "order", "name_en"]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")

    def __str__(self) -> str:
        return self.name


class Session(ChoiceLabels, models.Model):
    """An item of the tour's agenda."""

    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("tour"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    host = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_sessions",
        verbose_name=_("host"),
    )
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="sessions", verbose_name=_("speakers")
    )
    tandems = models.ManyToManyField(
        "matchmaking.Tandem", blank=True, related_name="sessions", verbose_name=_("tandems")
    )
    institutions = models.ManyToManyField(
        "matchmaking.Institution",
        blank=True,
        related_name="sessions",
        verbose_name=_("participating institutions"),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=50,
        help_text=_(
            "Places for registrations: a tandem or an institution takes one. The tandems and "
            "institutions named above take part without one."
        ),
    )
    # Empty: as its kind (REGISTRATION_KINDS take registrations); read ``takes_registrations``.
    registration = models.BooleanField(
        _("takes registrations"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: as its kind (roundtables, investor meetings, company visits and networking "
            "take registrations, the others do not)."
        ),
    )
    keeps_waiting_list = models.BooleanField(
        _("keeps a waiting list"),
        default=True,
        help_text=_("When it is full, further registrations wait and move up when a place frees."),
    )
    video_url = models.URLField(_("video link"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    # Raised on every change participants are told about, so calendars replace their copy.
    sequence = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("sequence"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def takes_registrations(self) -> bool:
        if self.registration is not None:
            return self.registration
        return self.kind in REGISTRATION_KINDS


# Django creates the rows joining a session to its speakers; the admin's speaker list names each
# row, and it should say whom it adds, not "Session_speakers object (1)".
Session.speakers.through.__str__ = lambda row: str(row.speaker)
