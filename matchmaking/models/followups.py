"""After the tour: what happens to each contact (a tandem and an institution that met), and the
offices that help the contacts along (in the seed: the AHK and the Fraunhofer Representative
Office Beijing)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import FollowUpStage
from .choices import ChoiceLabels

NEXT_STEP_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 2000


class SupportingOffice(models.Model):
    """An office that continues contacts after the tours it supports. Its people read the
    follow-up pipeline of those tours and add notes; they change nothing else."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    tours = models.ManyToManyField(
        "matchmaking.Tour", blank=True, related_name="supporting_offices", verbose_name=_("tours")
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supporting_offices",
        verbose_name=_("people"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("supporting office")
        verbose_name_plural = _("supporting offices")

    def __str__(self) -> str:
        return self.name


class FollowUp(ChoiceLabels, models.Model):
    """One next step of a contact (a tandem and an institution of one tour): who does it, by
    when, and where it stands. Reminders go to its owner before the due date and once it has
    passed (services/followups.py)."""

    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("tour"),
    )
    tandem = models.ForeignKey(
        "matchmaking.Tandem",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("tandem"),
    )
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("institution"),
    )
    next_step = models.CharField(_("next step"), max_length=NEXT_STEP_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"))
    stage = models.CharField(
        _("stage"), max_length=16, choices=FollowUpStage.choices, default=FollowUpStage.TO_DO
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["tour", "stage", "due_on"])]

    def __str__(self) -> str:
        return f"{self.tandem} ↔ {self.institution}: {self.next_step}"[:200]


class FollowUpNote(models.Model):
    """A remark on a follow-up by a supporting office, an organiser or one of the two sides."""

    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="notes", verbose_name=_("follow up")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self) -> str:
        return self.text[:80]
