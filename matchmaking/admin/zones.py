"""Times in the admin carry their zone and the other home zone beside it: list columns, the hint
on every date-and-time input, and the history's values. The organiser's own zone is the one
``UserPreferencesMiddleware`` activated; the other is their tour's other home zone
(``timezones.zones_beside``), so nothing an organiser reads is in UTC unless it says so."""

from __future__ import annotations

from operator import attrgetter

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Tour
from ..places import place_of
from ..templatetags.portal import when_html
from ..timezones import zones_beside


def zoned_html(moment, tour: Tour | None = None):
    if moment is None:
        return "—"
    return when_html(moment, zones_beside(timezone.get_current_timezone_name(), tour))


def zoned(model: type[models.Model], field: str, *, tour: str | None = "tour"):
    """A list column showing ``field`` in the organiser's zone with the tour's other home zone
    (``tour``: the path from the row to its tour; None for rows of no tour)."""
    tour_of = attrgetter(tour) if tour else lambda row: None

    def column(row):
        return zoned_html(getattr(row, field), tour_of(row))

    column.__name__ = f"{field}_zoned"
    return admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)(
        column
    )


class ZonedInputs(admin.options.BaseModelAdmin):
    """Every date-and-time input says which zone it is read in: the organiser's own."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and field is not None:
            hint = _("Date and time in %(place)s (your time zone).") % {
                "place": place_of(timezone.get_current_timezone_name())
            }
            field.help_text = f"{field.help_text} {hint}".strip()
        return field
