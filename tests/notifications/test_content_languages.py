"""E-mails and calendar entries name institutions and sessions in the recipient's language
(主办方：阿里巴巴达摩院), however the change that wrote them was made."""

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking import notifications
from matchmaking.enums import Direction
from matchmaking.models import OutboxMessage
from matchmaking.notifications.mime import build_email
from matchmaking.services import requests as request_services

from .. import factories

pytestmark = pytest.mark.django_db

NAMES = {"en": "BGI Group", "de": "BGI-Gruppe", "zh-hans": "华大集团"}
TITLES = {
    "en": "German-Chinese roundtable",
    "de": "Deutsch-chinesischer Roundtable",
    "zh-hans": "中德圆桌会议",
}
HOST = {"en": "Host: BGI Group", "de": "Gastgeber: BGI-Gruppe", "zh-hans": "主办方：华大集团"}


@pytest.fixture
def readers(people):
    """Alice reads German, Anton English, Chen Chinese; BGI is named in all three."""
    for person, language in ((people.alice, "de"), (people.anton, "en"), (people.chen, "zh-hans")):
        person.language = language
        person.save(update_fields=["language"])
    people.institution.name_de = NAMES["de"]
    people.institution.save()
    return people


def rows(kind: str) -> dict:
    return {r.recipient.language: r for r in OutboxMessage.objects.filter(kind=kind)}


def summary_of(row: OutboxMessage) -> str:
    return str(icalendar.Calendar.from_ical(row.ics).walk("VEVENT")[0]["SUMMARY"])


def test_a_meeting_e_mail_and_its_entry_name_the_institution_in_each_language(readers):
    # The change is made while an English page is active: the readers' languages still win.
    with translation.override("en"):
        request = request_services.request_meeting(
            actor=readers.alice,
            tandem=readers.tandem,
            institution=readers.institution,
            direction=Direction.TANDEM_TO_INSTITUTION,
            message="Shall we meet?",
        )
        request_services.accept_request(actor=readers.chen, request=request)
    scheduled = rows("meeting_scheduled")
    assert sorted(scheduled) == ["de", "en", "zh-hans"]
    for language, row in scheduled.items():
        email = build_email(row)
        assert NAMES[language] in email.subject, (language, email.subject)
        assert NAMES[language] in email.body
        assert summary_of(row) == f"CardioSense ↔ {NAMES[language]}"
    received = build_email(rows("request_received")["zh-hans"])
    assert "华大集团" in received.subject and "BGI Group" not in received.body


def test_a_session_e_mail_and_its_entry_are_in_each_language_and_name_the_host(readers):
    session = factories.SessionFactory(
        tour=readers.tour,
        title_en=TITLES["en"],
        title_de=TITLES["de"],
        title_zh_hans=TITLES["zh-hans"],
        host=readers.institution,
    )
    session.tandems.add(readers.tandem)
    session.institutions.add(readers.institution)
    with translation.override("de"):
        notifications.session_changed(session)
    changed = rows("session_changed")
    assert sorted(changed) == ["de", "en", "zh-hans"]
    for language, row in changed.items():
        email = build_email(row)
        html = dict((m, c) for c, m in email.alternatives)["text/html"]
        assert TITLES[language] in email.subject
        assert HOST[language] in email.body and HOST[language] in html
        event = icalendar.Calendar.from_ical(row.ics).walk("VEVENT")[0]
        assert str(event["SUMMARY"]) == TITLES[language]
        assert HOST[language] in str(event["DESCRIPTION"])


def test_a_missing_translation_falls_back_to_english_in_the_e_mail(readers):
    session = factories.SessionFactory(tour=readers.tour, title_en="Closing networking")
    session.institutions.add(readers.institution)
    notifications.session_changed(session)
    assert "Closing networking" in build_email(rows("session_changed")["zh-hans"]).subject


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_the_downloaded_and_the_subscribed_entries_are_in_the_readers_language(
    client, readers, language
):
    session = factories.SessionFactory(
        tour=readers.tour,
        title_en=TITLES["en"],
        title_de=TITLES["de"],
        title_zh_hans=TITLES["zh-hans"],
        host=readers.institution,
    )
    session.institutions.add(readers.institution)
    readers.chen.language = language
    readers.chen.save(update_fields=["language"])
    client.force_login(readers.chen)
    downloaded = client.get(reverse("session_ics", args=[session.pk])).content
    event = icalendar.Calendar.from_ical(downloaded).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == TITLES[language]
    assert HOST[language] in str(event["DESCRIPTION"])
    client.post(reverse("calendar_feed_issue"))
    token = readers.chen.calendar_feed.token
    client.logout()
    with translation.override("en"):  # the feed is fetched without a login
        feed = client.get(reverse("calendar_feed", args=[token])).content
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")]
    assert summaries == [TITLES[language]]
