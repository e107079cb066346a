"""An activity log entry told in words: its data shown with the object's field names, choice
labels and local times."""

import json
from typing import Any

from django.contrib.admin.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import LogAction
from ..models import ActivityLog, MeetingOutcome
from ..places import at_local

# Keys of an entry's data that are not fields of its object.
DATA_LABELS = {
    "note": gettext_lazy("note"),
    "reason": gettext_lazy("reason"),
    "reminded": gettext_lazy("people reminded"),
    "announced": gettext_lazy("changes announced to the participants"),
    "tour": gettext_lazy("tour"),
    "unavailable_slots": gettext_lazy("unavailable slots"),
    "usable": gettext_lazy("password usable"),
    "version": gettext_lazy("consent text version"),
    "note_id": gettext_lazy("note number"),
    "asked_by": gettext_lazy("asked by"),
    "people_erased": gettext_lazy("people erased"),
    "people_kept": gettext_lazy("people kept"),
    "new": gettext_lazy("new meetings"),
    "moved": gettext_lazy("meetings moved"),
    "time_limit": gettext_lazy("time limit (seconds)"),
    "allow_moves": gettext_lazy("confirmed meetings may move"),
    "position": gettext_lazy("position"),
    "session": gettext_lazy("session"),
    "institution": gettext_lazy("institution"),
}
# Values logged as words of the code's own (who asked for an erasure).
DATA_VALUES = {
    "asked_by": {
        "self": gettext_lazy("the person themselves"),
        "organiser": gettext_lazy("an organiser"),
    },
}

# Entries logged on one object with the fields of another: a side's answer is logged on its
# meeting (whose history it belongs to), its data the answer's side, attendance and result.
DATA_MODELS = {LogAction.OUTCOME: MeetingOutcome}


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _value(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value(field, v) for v in value) or "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and (moment := parse_datetime(str(value))):
        return at_local(moment)
    return str(value)


def _line(model, name: str, value: Any) -> str:
    field = _field(model, name)
    label = capfirst(field.verbose_name if field else DATA_LABELS.get(name, name))
    if name in DATA_VALUES and not isinstance(value, dict):
        value = str(DATA_VALUES[name].get(value, value))
    if isinstance(value, dict) and value.keys() == {"from", "to"}:
        return f"{label}: {_value(field, value['from'])} → {_value(field, value['to'])}"
    return f"{label}: {_value(field, value)}"


def admin_url(entry: ActivityLog) -> str | None:
    """The admin page of the entry's object, if it has one."""
    meta = entry.content_type
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model}_change", args=[entry.object_id])
    except NoReverseMatch:
        return None


def describe(entry: ActivityLog) -> list[str]:
    model = DATA_MODELS.get(entry.action) or entry.content_type.model_class()
    lines = []
    for key, value in entry.data.items():
        if key == "fields":
            lines += [_line(model, name, change) for name, change in value.items()]
        elif key == "related":  # rows of inlines, in the words of Django's own admin log
            lines.append(LogEntry(change_message=json.dumps(value)).get_change_message())
        else:
            lines.append(_line(model, key, value))
    return lines
