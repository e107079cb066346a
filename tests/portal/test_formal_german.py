"""The German portal says "Sie" everywhere, allauth's pages and e-mails included (allauth's own
German catalogue says "du")."""

import re
from pathlib import Path

import allauth
import polib
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

pytestmark = pytest.mark.django_db
INFORMAL = re.compile(r"\b(du|dein\w*|dich|dir|hast|bist|kannst|möchtest|musst)\b", re.IGNORECASE)
ALLAUTH_GERMAN = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"


def words_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_every_informal_allauth_string_is_formal_in_the_portal():
    informal = [
        e for e in polib.pofile(str(ALLAUTH_GERMAN)) if not e.obsolete and INFORMAL.search(e.msgstr)
    ]
    assert informal, "allauth's catalogue still has the strings this guards against"
    with translation.override("de"):
        shown = {
            e.msgid: pgettext(e.msgctxt, e.msgid) if e.msgctxt else gettext(e.msgid)
            for e in informal
        }
    assert {msgid: text for msgid, text in shown.items() if INFORMAL.search(text)} == {}
    assert all(text != msgid for msgid, text in shown.items()), "still German, not English"


@pytest.mark.parametrize("page", ["account_login", "account_reset_password"])
def test_allauths_pages_say_sie(client, page):
    html = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de">' in html
    assert INFORMAL.search(words_of(html)) is None


def test_the_password_reset_e_mail_says_sie(client, people, deliver):
    people.alice.language = "de"
    people.alice.save()
    client.post(reverse("account_reset_password"), {"email": people.alice.email})
    [sent] = deliver()
    assert "Sie erhalten diese E-Mail" in sent.body
    assert INFORMAL.search(sent.body + sent.subject) is None
