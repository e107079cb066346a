from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A tag of the shared vocabulary, named in each of the portal's languages."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name
