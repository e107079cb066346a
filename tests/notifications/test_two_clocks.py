"""Every time in an e-mail and calendar entry in both clocks: the reader's zone first, the other
side's home zone beside it, places and dates in the reader's language."""

import zoneinfo
from datetime import datetime

import icalendar
import pytest

from matchmaking.enums import Direction
from matchmaking.models import OutboxMessage
from matchmaking.notifications.mime import build_email
from matchmaking.services import requests as services

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=BERLIN)


# 09:00 in Berlin is 16:00 in Shanghai on 22 March 2027 (a Monday).
CLOCKS = {
    ("en", "Europe/Berlin"): "Monday, 22 March 2027, 09:00–09:30 Berlin (16:00–16:30 Shanghai)",
    ("de", "Europe/Berlin"): "Montag, 22. März 2027, 09:00–09:30 Berlin (16:00–16:30 Shanghai)",
    ("zh-hans", "Europe/Berlin"): "2027年3月22日 星期一 09:00–09:30 柏林（上海 16:00–16:30）",
    ("en", "Asia/Shanghai"): "Monday, 22 March 2027, 16:00–16:30 Shanghai (09:00–09:30 Berlin)",
    ("de", "Asia/Shanghai"): "Montag, 22. März 2027, 16:00–16:30 Shanghai (09:00–09:30 Berlin)",
    ("zh-hans", "Asia/Shanghai"): "2027年3月22日 星期一 16:00–16:30 上海（柏林 09:00–09:30）",
}


def _speak(person, language):
    person.language = language
    person.save(update_fields=["language"])


def _text_and_html(row: OutboxMessage) -> tuple[str, str, str]:
    email = build_email(row)
    html = dict((m, c) for c, m in email.alternatives)["text/html"]
    return email.subject, email.body, html


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_the_new_request_lists_the_preferred_times_in_both_clocks_and_links_the_request(
    people, language
):
    _speak(people.chen, language)
    request = services.request_meeting(
        actor=people.alice,
        tandem=people.tandem,
        institution=people.institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="Shall we meet?",
        preferred_starts=[berlin(22, 9)],
    )
    row = OutboxMessage.objects.get(kind="request_received")
    assert (row.email, row.language) == ("chen@partner.example", language)
    _subject, text, html = _text_and_html(row)
    expected = CLOCKS[language, "Asia/Shanghai"]
    assert expected in text and expected in html
    assert f"/requests/{request.pk}/" in text and f"/requests/{request.pk}/" in html


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_a_proposal_and_the_meeting_are_written_in_both_clocks_with_the_ics_description(
    people, language
):
    _speak(people.alice, language)
    request = services.request_meeting(
        actor=people.chen,
        tandem=people.tandem,
        institution=people.institution,
        direction=Direction.INSTITUTION_TO_TANDEM,
        message="Shall we meet?",
    )
    services.propose_time(actor=people.anton, request=request, start=berlin(22, 9))
    services.propose_time(actor=people.chen, request=request, start=berlin(22, 10))
    services.propose_time(actor=people.alice, request=request, start=berlin(22, 9))
    proposal = OutboxMessage.objects.filter(kind="proposal_received").latest("pk")
    assert proposal.email == "chen@partner.example"
    services.confirm_proposed_time(actor=people.chen, request=request)
    row = OutboxMessage.objects.get(kind="meeting_scheduled", email="alice@tandem.example")
    subject, text, html = _text_and_html(row)
    expected = CLOCKS[language, "Europe/Berlin"]
    assert expected in text and expected in html
    event = icalendar.Calendar.from_ical(row.ics).walk("VEVENT")[0]
    assert expected in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == berlin(22, 9)
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    # The partner's copy is in the partner's clock first.
    chen_row = OutboxMessage.objects.get(kind="meeting_scheduled", email="chen@partner.example")
    chen_event = icalendar.Calendar.from_ical(chen_row.ics).walk("VEVENT")[0]
    assert CLOCKS["zh-hans", "Asia/Shanghai"] in str(chen_event["DESCRIPTION"])
