"""The outbox: one row per e-mail, written in the same transaction as the change that causes it.

A worker claims a row (``UPDATE … WHERE status='pending'``) before sending, so two workers never
send the same row; the sweeper re-queues rows whose task was lost and frees rows left in
``sending`` by a worker that died. ``dedupe_key`` is unique, so a notification cannot be written
twice — reminders and nudges rely on that.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import EmailKind, Language
from .choices import ChoiceLabels


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class OutboxMessage(ChoiceLabels, models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(_("kind"), max_length=40, choices=EmailKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    time_zone = models.CharField(_("time zone"), max_length=64)
    context = models.JSONField(_("context"), default=dict, blank=True)
    ics = models.TextField(_("calendar entry"), blank=True)
    ics_method = models.CharField(_("calendar method"), max_length=16, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutboxStatus.values), name="outbox_status_known"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="outbox_sending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email} ({self.get_status_display()})"

    @property
    def message_id(self) -> str:
        """Made from the row, so a copy sent twice (SMTP accepted, worker died before marking
        it sent) carries the same Message-ID and mail clients recognise it."""
        host = urlsplit(settings.SITE_URL).hostname or "innohealth.invalid"
        return f"<outbox-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{host}>"


class NotificationPreference(models.Model):
    """Which optional e-mails a person has switched off (invitations and meeting changes are
    always sent)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    muted = models.JSONField(_("switched off"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
