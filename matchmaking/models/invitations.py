"""Invitations: the only way onto the portal. The link is signed and carries a nonce stored here;
a new nonce on resend makes the older link useless, acceptance makes it single-use."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..enums import Language
from .choices import ChoiceLabels
from .validators import validate_time_zone


class InvitationRole(models.TextChoices):
    RESEARCHER = "researcher", _("Tandem member (researcher)")
    ENTREPRENEUR = "entrepreneur", _("Tandem member (entrepreneur)")
    REPRESENTATIVE = "representative", _("Partner representative")
    ORGANISER = "organiser", _("Organiser")


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


# A status inside a sentence ("This invitation is revoked …"): its own word in each language.
INVITATION_STATUS_IN_SENTENCE = {
    InvitationStatus.OPEN: pgettext_lazy("invitation status in a sentence", "open"),
    InvitationStatus.ACCEPTED: pgettext_lazy("invitation status in a sentence", "accepted"),
    InvitationStatus.REVOKED: pgettext_lazy("invitation status in a sentence", "revoked"),
}


class InvitationState(models.TextChoices):
    """What organisers see: the stored status combined with the e-mail's and the expiry date."""

    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    FAILED = "failed", _("Failed")


class Invitation(ChoiceLabels, models.Model):
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=16, choices=InvitationRole.choices)
    tandem = models.ForeignKey(
        "matchmaking.Tandem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("tandem"),
    )
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("institution"),
    )
    # A person takes part per tour: the role is given in this tour (a tandem's own tour, or one
    # of the tours the institution joins).
    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("tour"),
        help_text=_("For a partner representative; a tandem member joins the tandem's tour."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InvitationStatus.choices,
        default=InvitationStatus.OPEN,
        editable=False,
    )
    nonce = models.CharField(max_length=32, editable=False, verbose_name=_("nonce"))
    expires_at = models.DateTimeField(_("expires"))
    message = models.ForeignKey(
        "matchmaking.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("latest e-mail"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        editable=False,
        verbose_name=_("user"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=Q(status="open"), name="one_open_invitation_per_email"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["researcher", "entrepreneur"]) | Q(tandem__isnull=False),
                name="tandem_invitation_names_tandem",
            ),
            models.CheckConstraint(
                condition=~Q(role="representative") | Q(institution__isnull=False),
                name="representative_invitation_names_institution",
            ),
            models.CheckConstraint(
                condition=Q(role="organiser") | Q(tour__isnull=False),
                name="role_invitation_names_tour",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def state(self) -> str:
        if self.status == InvitationStatus.ACCEPTED:
            return InvitationState.ACCEPTED
        if self.status == InvitationStatus.REVOKED:
            return InvitationState.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        message_status = self.message.status if self.message else ""
        if message_status == "failed":
            return InvitationState.FAILED
        if message_status == "sent":
            return InvitationState.SENT
        return InvitationState.QUEUED

    @classmethod
    def state_filter(cls, state: str) -> Q:
        """The same rule as ``state``, as a query for the admin's filter."""
        now = timezone.now()
        live = Q(status=InvitationStatus.OPEN, expires_at__gt=now)
        return {
            InvitationState.ACCEPTED: Q(status=InvitationStatus.ACCEPTED),
            InvitationState.REVOKED: Q(status=InvitationStatus.REVOKED),
            InvitationState.EXPIRED: Q(status=InvitationStatus.OPEN, expires_at__lte=now),
            InvitationState.FAILED: live & Q(message__status="failed"),
            InvitationState.SENT: live & Q(message__status="sent"),
            InvitationState.QUEUED: live & ~Q(message__status__in=["failed", "sent"]),
        }[state]
