from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..enums import MemberRole


class Tandem(models.Model):
    """A German researcher and entrepreneur who take part in a tour as one party."""

    tour = models.ForeignKey("matchmaking.Tour", on_delete=models.CASCADE, related_name="tandems")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    project_title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary (English)"), blank=True, max_length=4000)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True, max_length=4000)
    summary_de = models.TextField(_("summary (German)"), blank=True, max_length=4000)
    topics = models.ManyToManyField(
        "matchmaking.Topic", blank=True, related_name="tandems", verbose_name=_("topics")
    )
    seeks = models.JSONField(
        _("seeks"), default=list, blank=True, help_text=_("What the tandem looks for in China.")
    )
    research_organisation = models.CharField(_("research organisation"), max_length=200)
    company = models.CharField(_("company"), max_length=200)

    class Meta:
        ordering = ["tour", "name"]
        verbose_name = _("tandem")
        verbose_name_plural = _("tandems")
        constraints = [
            models.UniqueConstraint(fields=["tour", "slug"], name="tandem_slug_unique_in_tour"),
        ]

    def __str__(self) -> str:
        return self.name


class TandemMember(models.Model):
    """One of the two people of a tandem: one researcher and one entrepreneur."""

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tandem_membership"
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)

    class Meta:
        ordering = ["tandem", "role"]
        verbose_name = _("tandem member")
        verbose_name_plural = _("tandem members")
        constraints = [
            # One member per role and only two roles: a tandem can never have a third member.
            models.UniqueConstraint(fields=["tandem", "role"], name="one_member_per_role"),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="tandem_member_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"
