from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ..enums import InstitutionKind
from .accounts import User
from .choices import ChoiceLabels
from .languages import localized
from .participation import Participation
from .search import search_text_of


def _name_unique_in_each_language() -> list[models.UniqueConstraint]:
    """No institution may take another's name in any language, whatever the case; an empty
    (untranslated) name is no name."""
    return [
        models.UniqueConstraint(
            Lower(column),
            condition=~Q(**{column: ""}),
            name=f"institution_{column}_unique",
        )
        for column in localized("name")
    ]


class Institution(ChoiceLabels, models.Model):
    """A partner: a Chinese university, institute, company, hospital, investor, … ."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=InstitutionKind.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    province = models.CharField(_("province"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    topics = models.ManyToManyField(
        "matchmaking.Topic", blank=True, related_name="institutions", verbose_name=_("topics")
    )
    tours = models.ManyToManyField(
        "matchmaking.Tour", blank=True, related_name="institutions", verbose_name=_("tours")
    )

    # Derived from the names, places, description and topics in every language (models/search.py).
    search_text = models.TextField(
        editable=False, blank=True, default="", verbose_name=_("search text")
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = _name_unique_in_each_language()

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Topics change through their own signal (topics_changed); a new row has none yet.
        self.search_text = search_text_of(self, self.topics.all() if self.pk else [])
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


def refresh_search_text(institution_ids) -> None:
    """Rebuild the searched words of these institutions after their topics changed."""
    institutions = list(
        Institution.objects.filter(pk__in=institution_ids).prefetch_related("topics")
    )
    for institution in institutions:
        institution.search_text = search_text_of(institution, institution.topics.all())
    Institution.objects.bulk_update(institutions, ["search_text"])
    # The representatives' cached roles hold their institution, searched words included.
    User.objects.renew_roles(
        Participation.objects.filter(institution__in=institutions).values("user_id")
    )


def topics_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """``m2m_changed`` of Institution.topics, from either side."""
    if action == "pre_clear" and reverse:
        instance._institutions_cleared = list(instance.institutions.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_search_text([instance.pk])
    elif action == "post_clear":
        refresh_search_text(instance.__dict__.pop("_institutions_cleared", []))
    else:
        refresh_search_text(pk_set)


def topic_saved(sender, instance, created, **kwargs) -> None:
    """A renamed topic is found under its new names."""
    if not created:
        refresh_search_text(instance.institutions.values_list("pk", flat=True))
