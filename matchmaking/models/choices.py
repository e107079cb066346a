"""Choice labels as a page shows them (``get_<field>_display``), from a table per field and
language.

Django's own method builds a dict of every choice at each call, and hashing each lazy label
translates it: a dashboard calls it about a hundred times, which cost a tenth of the page
(bench/pages.py, interleaved). The labels do not change while the process runs, so each field's
table is built once for each language it is read in.
"""

from functools import cache

from django.db.models import Field
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@cache
def _labels(field: Field, language: str | None) -> dict:
    # ``language`` is only the key: the labels are translated into the active language.
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


class ChoiceLabels:
    """Put first in a model's bases: its ``get_<field>_display`` then read the table above (Django
    binds those methods to ``_get_FIELD_display`` as the model's class finds it). The answer is
    Django's: the label in the active language, or the value itself when it is not a choice."""

    def _get_FIELD_display(self, field: Field):
        value = getattr(self, field.attname)
        return _labels(field, get_language()).get(make_hashable(value), value)
