import secrets
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VideoProvider(models.Model):
    """A video service a tour allows for its meetings: a self-hosted Jitsi, Tencent Meeting
    (VooV), Zoom… Not every service works well from China, so organisers choose per tour."""

    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="video_providers",
        verbose_name=_("tour"),
    )
    name = models.CharField(_("name"), max_length=80)
    domains = models.CharField(
        _("web domains"),
        max_length=300,
        blank=True,
        help_text=_(
            "The hosts its meeting links use, separated by spaces, for example "
            "“meeting.tencent.com voovmeeting.com”. Empty: any https address is accepted."
        ),
    )
    room_base_url = models.URLField(
        _("new rooms at"),
        blank=True,
        help_text=_(
            "Where the portal opens a room for each new meeting (a Jitsi server). Empty when "
            "the partner creates the meeting in the service and gives its link."
        ),
    )
    is_default = models.BooleanField(_("default for new meetings"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["tour", "position", "name"]
        verbose_name = _("video provider")
        verbose_name_plural = _("video providers")
        constraints = [
            models.UniqueConstraint(fields=["tour", "name"], name="video_provider_name_once"),
            models.UniqueConstraint(
                fields=["tour"],
                condition=Q(is_default=True),
                name="one_default_video_provider_per_tour",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_any_link(self) -> bool:
        return not self.domains.split()

    def allows(self, url: str) -> bool:
        """Whether ``url``'s host is one of the service's domains (or a subdomain of one)."""
        if self.takes_any_link:
            return True
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith(f".{d}") for d in self.domains.lower().split())

    def new_room(self) -> str:
        if not self.room_base_url:
            return ""
        return f"{self.room_base_url.rstrip('/')}/InnoHealth-{secrets.token_hex(8)}"
