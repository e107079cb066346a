from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A tag of the shared vocabulary, named in each of the portal's languages."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_de = models.CharField(_("name (German)"), max_length=80, blank=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=80, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        field = {"de": "name_de", "zh-hans": "name_zh_hans"}.get(get_language() or "en", "name_en")
        return getattr(self, field) or self.name_en
