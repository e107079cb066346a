"""Times in the admin carry their zone and the other home zone beside it: list columns, the hint
on every date-and-time input, and the history's values. The organiser's own zone is the one
``UserPreferencesMiddleware`` activated; the other is their tour's other home zone
(``timezones.zones_beside``), so nothing an organiser reads is in UTC unless it says so."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
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


def tour_of(row) -> Tour | None:
    """The tour a row belongs to, when it has one, for the other home zone beside its times."""
    return row.tour if getattr(row, "tour_id", None) else None


def zoned_columns(model, names) -> dict[str, object]:
    """For each of ``names`` that is a date-and-time field of ``model``: a column showing it in the
    organiser's zone with the row's tour's other home zone beside it."""
    columns = {}
    for name in names:
        if not isinstance(name, str):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.DateTimeField):
            columns[name] = _zoned_column(field)
    return columns


def zoned_read_only_times(form_layout) -> None:
    """Read-only dates and times on a change page (the admin form's, or an inline's) shown like
    every other time: the organiser's zone with the tour's other home zone beside it.

    Django renders a read-only model field itself, in the active zone but without saying which;
    a same-named column would have to be declared in every admin that builds its own read-only
    list. Swapping the names in the already built layout (after the form excluded them) keeps
    one rule for all admins, whatever they return from ``get_readonly_fields``."""
    model = (
        form_layout.opts.model if hasattr(form_layout, "formset") else form_layout.form._meta.model
    )
    columns = zoned_columns(model, form_layout.readonly_fields)
    if not columns:
        return
    form_layout.readonly_fields = [columns.get(name, name) for name in form_layout.readonly_fields]
    form_layout.fieldsets = [
        (title, {**options, "fields": _swapped(options.get("fields", ()), columns)})
        for title, options in form_layout.fieldsets
    ]


def _zoned_column(field: models.DateTimeField):
    def column(row):
        return zoned_html(getattr(row, field.name), tour_of(row))

    column.__name__ = field.name  # keeps Django's CSS class: field-<name>
    return admin.display(description=field.verbose_name, ordering=field.name)(column)


def _swapped(fields, columns):
    return [
        tuple(columns.get(name, name) for name in entry)
        if isinstance(entry, (list, tuple))
        else columns.get(entry, entry)
        for entry in fields
    ]


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
