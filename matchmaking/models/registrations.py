"""A party's registration for a session of the agenda (roundtable, investor meeting, company
visit, networking …).

The party is a tandem (one place for its two members; either of them registers or cancels) or
an institution (one place for its representatives in the tour; any of them registers or
cancels). Capacity counts places, i.e. parties. Beyond the capacity registrations wait in the
order they came (``created_at``) while the session keeps a waiting list; a freed place goes to
the first one waiting (``services.registrations``). Change a registration only through those
services; cancelled rows stay as history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..enums import ACTIVE_REGISTRATION_STATUSES, RegistrationStatus
from .choices import ChoiceLabels


class Registration(ChoiceLabels, models.Model):
    session = models.ForeignKey(
        "matchmaking.Session",
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("session"),
    )
    tandem = models.ForeignKey(
        "matchmaking.Tandem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("tandem"),
    )
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("institution"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, editable=False
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("place since"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    # Marked by the organisers after the session started; empty until then.
    attended = models.BooleanField(_("attended"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["session", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(tandem__isnull=True, institution__isnull=False)
                | Q(tandem__isnull=False, institution__isnull=True),
                name="registration_for_one_party",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_known",
            ),
            models.UniqueConstraint(
                fields=["session", "tandem"],
                condition=Q(status__in=ACTIVE_REGISTRATION_STATUSES, tandem__isnull=False),
                name="tandem_registers_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["session", "institution"],
                condition=Q(status__in=ACTIVE_REGISTRATION_STATUSES, institution__isnull=False),
                name="institution_registers_once_per_session",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.party} – {self.session} ({self.get_status_display()})"

    @property
    def party(self):
        return self.tandem or self.institution

    @property
    def tour(self):
        return self.session.tour
