from django.db import models
from django.utils.translation import gettext_lazy as _


class Tandem(models.Model):
    """A German researcher and entrepreneur who take part in a tour as one party."""

    tour = models.ForeignKey(
        "matchmaking.Tour", on_delete=models.CASCADE, related_name="tandems", verbose_name=_("tour")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    project_title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
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
            # The target of the participations' (tandem, tour) reference: a member's tour is
            # always their tandem's (see Participation).
            models.UniqueConstraint(fields=["id", "tour"], name="tandem_id_with_tour"),
        ]

    def __str__(self) -> str:
        return self.name
