"""In real Chromium, the whole negotiation in two languages: the tandem (German interface) asks
BGI Group with two preferred times; the partner (Chinese interface) proposes another time; the
tandem proposes yet another; the partner confirms. Each side always sees whose turn it is, and
each turn's e-mails are read back: who got them, in which language, both clocks, one per event,
and the calendar entry parsed."""

import zoneinfo
from datetime import datetime, timedelta

import icalendar
import pytest
from django.core.management import call_command

from matchmaking.models import (
    Institution,
    Meeting,
    MeetingRequest,
    OutboxMessage,
    Proposal,
    User,
)
from matchmaking.notifications.mime import build_email

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
TANDEM_EMAIL, PARTNER_EMAIL = "researcher1@tandem.example", "bgi@partner.example"
BERLIN, SHANGHAI = zoneinfo.ZoneInfo("Europe/Berlin"), zoneinfo.ZoneInfo("Asia/Shanghai")


def _hours(start: datetime, zone) -> str:
    end = start + timedelta(minutes=30)
    return f"{start.astimezone(zone):%H:%M}–{end.astimezone(zone):%H:%M}"


def both_clocks(start: datetime, language: str, time_zone: str) -> str:
    """How an e-mail must write ``start`` for a reader in ``time_zone`` speaking ``language``."""
    berlin, shanghai = _hours(start, BERLIN), _hours(start, SHANGHAI)
    if time_zone == "Asia/Shanghai":
        return {
            "zh-hans": f"{shanghai} 上海（柏林 {berlin}）",
            "de": f"{shanghai} Shanghai ({berlin} Berlin)",
            "en": f"{shanghai} Shanghai ({berlin} Berlin)",
        }[language]
    return {
        "zh-hans": f"{berlin} 柏林（上海 {shanghai}）",
        "de": f"{berlin} Berlin ({shanghai} Shanghai)",
        "en": f"{berlin} Berlin ({shanghai} Shanghai)",
    }[language]


def _slot(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _new_rows(seen: set[int]) -> list[OutboxMessage]:
    rows = list(OutboxMessage.objects.exclude(pk__in=seen).select_related("recipient"))
    seen.update(r.pk for r in rows)
    return rows


def _read(row: OutboxMessage) -> tuple[str, str]:
    email = build_email(row)
    html = dict((m, c) for c, m in email.alternatives)["text/html"]
    return email.body, html


def _choose(page, form: str, avoid: set[str]) -> str:
    """Pick the first offered slot of ``form`` that is not in ``avoid``; return its value."""
    values = page.locator(f"{form} select option").evaluate_all("os => os.map(o => o.value)")
    value = next(v for v in values if v and v not in avoid)
    page.select_option(f"{form} select", value)
    return value


def test_the_whole_negotiation_in_german_and_chinese(live_server, browser, screenshots):
    call_command("load_demo")
    base = live_server.url
    tandem_user = User.objects.get(email=TANDEM_EMAIL)
    tandem_people = {
        u.email: u for u in User.objects.filter(participations__tandem__slug="cardiosense")
    }
    partner_people = {
        u.email: u
        for u in User.objects.filter(
            participations__institution__slug="bgi", participations__tour__slug="innohealth-china"
        )
    }
    assert tandem_user.language == "de" and PARTNER_EMAIL in partner_people
    everybody = {**tandem_people, **partner_people}
    seen = set(OutboxMessage.objects.values_list("pk", flat=True))

    # 1. The tandem asks, in German, with two preferred times.
    tandem_context = browser.new_context(viewport={"width": 1280, "height": 900})
    tandem = log_in(tandem_context, base, TANDEM_EMAIL)
    assert tandem.locator("html").get_attribute("lang") == "de"
    bgi = Institution.objects.get(slug="bgi")
    tandem.goto(f"{base}/institutions/{bgi.pk}/request/")
    tandem.fill("#id_message", "Wir möchten über EKG-Screening mit Genomdaten sprechen.")
    tandem.select_option("#id_preferred_1", index=1)
    tandem.select_option("#id_preferred_2", index=2)
    wishes = [_slot(tandem.locator(f"#id_preferred_{n}").input_value()) for n in (1, 2)]
    tandem.locator("form.request-form button[type=submit]").click()
    tandem.wait_for_load_state()
    assert "/requests/" in tandem.url
    assert "Wartet auf die andere Seite" in tandem.locator("#turn").inner_text()
    tandem.screenshot(path=screenshots / "01-tandem-asked-de.png", full_page=True)
    request = MeetingRequest.objects.get(tandem__slug="cardiosense", institution=bgi)
    assert request.turn == "institution"

    rows = _new_rows(seen)
    assert sorted((r.email, r.kind) for r in rows) == sorted(
        (email, "request_received") for email in partner_people
    )
    for row in rows:
        assert row.language == row.recipient.language == "zh-hans"
        text, html = _read(row)
        for wish in wishes:
            clocks = both_clocks(wish, row.language, row.time_zone)
            assert clocks in text and clocks in html
        assert f"/requests/{request.pk}/" in text

    # 2. The partner, in Chinese, proposes another time.
    partner_context = browser.new_context(viewport={"width": 1280, "height": 900})
    partner = log_in(partner_context, base, PARTNER_EMAIL)
    assert partner.locator("html").get_attribute("lang") == "zh-hans"
    card = partner.locator(".request-card", has_text="CardioSense")
    assert "等待您答复" in card.inner_text()
    partner.screenshot(path=screenshots / "02-partner-dashboard-zh.png", full_page=True)
    card.locator("h3 a").click()
    partner.wait_for_load_state()
    wished_values = {w.isoformat() for w in wishes}
    first = _slot(_choose(partner, "#propose-form", avoid=wished_values))
    partner.locator("#propose-form button[type=submit]").click()
    partner.wait_for_load_state()
    assert "等待对方答复" in partner.locator("#turn").inner_text()
    partner.screenshot(path=screenshots / "03-partner-proposed-zh.png", full_page=True)
    request.refresh_from_db()
    assert (request.turn, request.proposed_start) == ("tandem", first)

    rows = _new_rows(seen)
    assert sorted((r.email, r.kind) for r in rows) == sorted(
        (email, "proposal_received") for email in tandem_people
    )
    for row in rows:
        assert row.language == row.recipient.language
        text, html = _read(row)
        clocks = both_clocks(first, row.language, row.time_zone)
        assert clocks in text and clocks in html

    # The tandem's dashboard says it is its turn, with the action.
    tandem.goto(f"{base}/tandem/")
    row = tandem.locator(f'li[data-request="{request.pk}"]')
    assert "Wartet auf Sie" in row.inner_text()
    assert row.locator("a.button").count() == 1

    # 3. The tandem proposes yet another time.
    tandem.goto(f"{base}/requests/{request.pk}/")
    assert "Wartet auf Sie" in tandem.locator("#turn").inner_text()
    assert tandem.locator("#confirm-form").count() == 1
    second = _slot(_choose(tandem, "#propose-form", avoid={first.isoformat(), *wished_values}))
    tandem.locator("#propose-form button[type=submit]").click()
    tandem.wait_for_load_state()
    assert "Wartet auf die andere Seite" in tandem.locator("#turn").inner_text()
    tandem.screenshot(path=screenshots / "04-tandem-counter-proposed-de.png", full_page=True)

    rows = _new_rows(seen)
    assert sorted((r.email, r.kind) for r in rows) == sorted(
        (email, "proposal_received") for email in partner_people
    )
    for row in rows:
        text, html = _read(row)
        clocks = both_clocks(second, "zh-hans", row.time_zone)
        assert clocks in text and clocks in html

    # 4. The partner confirms the tandem's time.
    partner.goto(f"{base}/requests/{request.pk}/")
    partner.locator("#confirm-form button[type=submit]").click()
    partner.wait_for_load_state()
    partner.screenshot(path=screenshots / "05-partner-confirmed-zh.png", full_page=True)
    meeting = Meeting.objects.get(request=request)
    assert meeting.starts_at == second
    request.refresh_from_db()
    assert (request.status, request.turn) == ("accepted", "")
    assert list(Proposal.objects.filter(request=request).values_list("side", "starts_at")) == [
        ("institution", first),
        ("tandem", second),
    ]

    # One "meeting scheduled" to every person of both sides, nothing else.
    rows = _new_rows(seen)
    assert sorted((r.email, r.kind) for r in rows) == sorted(
        (email, "meeting_scheduled") for email in everybody
    )
    for row in rows:
        assert row.language == everybody[row.email].language
        text, html = _read(row)
        clocks = both_clocks(second, row.language, row.time_zone)
        assert clocks in text and clocks in html
        calendar = icalendar.Calendar.from_ical(row.ics)
        event = calendar.walk("VEVENT")[0]
        assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == second
        assert str(event.decoded("DTSTART").tzinfo) == row.time_zone
        assert clocks in str(event["DESCRIPTION"])
        assert str(event["UID"]) == meeting.uid

    # 5. The tandem calls the meeting off, in German, with a reason both sides read.
    tandem.goto(f"{base}/requests/{request.pk}/")
    tandem.locator("#cancel-meeting summary").click()
    tandem.locator("#cancel-meeting textarea").fill("Unser Geschäftsführer ist erkrankt.")
    tandem.locator("#cancel-meeting button[type=submit]").click()
    tandem.wait_for_load_state()
    assert "Das Treffen ist abgesagt" in tandem.locator(".messages").inner_text()
    assert "Abgesagt" in tandem.locator("#meeting-info").inner_text()
    tandem.screenshot(path=screenshots / "06-tandem-cancelled-de.png", full_page=True)
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    rows = _new_rows(seen)
    assert sorted((r.email, r.kind) for r in rows) == sorted(
        (email, "meeting_cancelled") for email in everybody
    )
    for row in rows:
        text, _html = _read(row)
        assert "Unser Geschäftsführer ist erkrankt." in text
        assert icalendar.Calendar.from_ical(row.ics)["METHOD"] == "CANCEL"
    partner.goto(f"{base}/requests/{request.pk}/")
    assert "已取消" in partner.locator("#meeting-info").inner_text()
    tandem_context.close()
    partner_context.close()
