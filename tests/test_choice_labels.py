"""Choice labels from the per-language tables (models/choices.py) are Django's own."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from matchmaking.models.choices import ChoiceLabels

LANGUAGES = ("en", "de", "zh-hans")


def _choice_fields():
    for model in apps.get_app_config("matchmaking").get_models():
        for field in model._meta.concrete_fields:
            if field.choices and field.model is model:
                yield model, field


def test_every_model_with_choices_reads_the_tables():
    missing = [m.__name__ for m, _f in _choice_fields() if not issubclass(m, ChoiceLabels)]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_are_djangos_in_each_language(language):
    compared = 0
    with translation.override(language):
        for model, field in _choice_fields():
            for value, _label in [*field.flatchoices, ("no-such-choice", None)]:
                instance = model(**{field.attname: value})
                ours = getattr(instance, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(instance, field), (model, value)
                compared += 1
    assert compared > 50


def test_a_label_follows_the_active_language():
    from matchmaking.enums import RequestStatus
    from matchmaking.models import MeetingRequest

    request = MeetingRequest(status=RequestStatus.ACCEPTED)
    shown = {}
    for language in LANGUAGES:
        with translation.override(language):
            shown[language] = request.get_status_display()
    assert len(set(shown.values())) == 3, shown
