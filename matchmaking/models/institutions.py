from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import InstitutionKind


class Institution(models.Model):
    """A partner: a Chinese university, institute, company, hospital, investor, … ."""

    name = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=InstitutionKind.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    province = models.CharField(_("province"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description (English)"), blank=True, max_length=4000)
    description_zh = models.TextField(_("description (Chinese)"), blank=True, max_length=4000)
    description_de = models.TextField(_("description (German)"), blank=True, max_length=4000)
    topics = models.ManyToManyField(
        "matchmaking.Topic", blank=True, related_name="institutions", verbose_name=_("topics")
    )
    tours = models.ManyToManyField(
        "matchmaking.Tour", blank=True, related_name="institutions", verbose_name=_("tours")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name
