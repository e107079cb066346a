"""One word for each thing (docs/glossary.md): the tandem in Chinese says it is a
researcher–entrepreneur pair; German has one word for a meeting and one for a request."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

TANDEM_ZH = "科研-创业组合"


def entries(language: str):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    for entry in polib.pofile(str(path)):
        if not entry.obsolete:
            yield entry, entry.msgstr + "".join(entry.msgstr_plural.values())


def names_the_tandem(msgid: str) -> bool:
    return re.search(r"\btandems?\b", msgid.replace("%(tandem)s", ""), re.IGNORECASE) is not None


def test_chinese_names_the_tandem_by_one_term_everywhere():
    shown = [(e.msgid, text) for e, text in entries("zh_Hans") if names_the_tandem(e.msgid)]
    assert shown
    assert [msgid for msgid, text in shown if TANDEM_ZH not in text] == []
    assert [e.msgid for e, text in entries("zh_Hans") if "团队" in text] == []


@pytest.mark.parametrize("other_word", ["Gespräch", "Besprechung", "Meeting"])
def test_german_has_one_word_for_a_meeting_and_one_for_a_request(other_word):
    assert [e.msgid for e, text in entries("de") if other_word in text] == []
    requests = [
        text for e, text in entries("de") if re.search(r"\bmeeting requests?\b", e.msgid, re.I)
    ]
    assert requests and all("Anfrage" in text for text in requests)


def test_german_uses_one_gender_style():
    """The colon ("Forscher:in"), never pairs ("eine Forscherin oder ein Forscher")."""
    pairs = re.compile(r"\b(\w+)in oder (?:ein|eine|einen|der|den|dem) \1\b")
    assert [e.msgid for e, text in entries("de") if pairs.search(text)] == []
    assert [e.msgid for e, text in entries("de") if "Organisatoren" in text] == []
