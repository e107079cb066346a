"""In real Chromium, on the demo tour: a tandem member (German) joins the waiting list of a full
session and moves up when a partner cancels; BGI's representative (Chinese) registers for the
roundtable; after a meeting both sides say what came of it, and the organiser finds where they
differ."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from matchmaking.enums import Direction
from matchmaking.models import Institution, Meeting, MeetingOutcome, Registration, Tandem, User
from matchmaking.services.requests import accept_request, request_meeting

from .conftest import log_in
from .test_journey import fits_a_phone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
TANDEM_EMAIL, PARTNER_EMAIL = "researcher1@tandem.example", "bgi@partner.example"


def _row(page, title: str):
    return page.locator(".session-row", has_text=title)


def test_waiting_list_registration_and_outcomes_in_the_browser(live_server, browser, screenshots):
    call_command("load_demo")
    base = live_server.url

    tandem_context = browser.new_context(viewport={"width": 1280, "height": 900})
    tandem = log_in(tandem_context, base, TANDEM_EMAIL)
    tandem.locator("nav a", has_text="Programmpunkte").click()
    tandem.wait_for_load_state()
    networking = _row(tandem, "Abschließendes Networking")
    assert "4 von 4 Plätzen vergeben" in networking.inner_text()
    tandem.screenshot(path=screenshots / "01-tandem-sessions-full.png", full_page=True)
    networking.locator("button", has_text="Auf die Warteliste").click()
    tandem.wait_for_load_state()
    assert "Sie stehen auf der Warteliste, Platz 2" in tandem.locator(".messages").inner_text()
    tandem.screenshot(path=screenshots / "02-tandem-on-the-waiting-list.png", full_page=True)

    partner_context = browser.new_context(viewport={"width": 1280, "height": 900})
    partner = log_in(partner_context, base, PARTNER_EMAIL)
    partner.goto(f"{base}/sessions/")
    assert partner.locator("html").get_attribute("lang") == "zh-hans"
    assert "组织方已将您列为参与方" in _row(partner, "线上企业参访：华大集团").inner_text()
    _row(partner, "中德圆桌会议").locator("button", has_text="报名").click()
    partner.wait_for_load_state()
    assert "已加入您的日程" in partner.locator(".messages").inner_text()
    partner.screenshot(path=screenshots / "03-partner-registered-chinese.png", full_page=True)
    partner.goto(f"{base}/schedule/")
    assert "中德圆桌会议" in partner.locator(".schedule").first.inner_text() or (
        "中德圆桌会议" in partner.content()
    )

    # InferVision gives up its place: iKang, first on the list, moves up; the tandem is next.
    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = log_in(other_context, base, "infervision@partner.example")
    other.goto(f"{base}/sessions/")
    _row(other, "闭幕交流").locator("button", has_text="取消我们的报名").click()
    other.wait_for_load_state()
    other_context.close()
    assert Registration.objects.get(
        institution__slug="ikang", session__kind="networking"
    ).status == ("confirmed")
    tandem.goto(f"{base}/sessions/")
    assert "Platz 1" in _row(tandem, "Abschließendes Networking").inner_text()
    tandem.screenshot(path=screenshots / "04-tandem-moved-to-place-1.png", full_page=True)

    # A meeting of CardioSense and BGI that has just ended.
    cardiosense, bgi = Tandem.objects.get(slug="cardiosense"), Institution.objects.get(slug="bgi")
    request = request_meeting(
        actor=User.objects.get(email=TANDEM_EMAIL),
        tandem=cardiosense,
        institution=bgi,
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="ECG screening with genomics data",
    )
    accept_request(actor=User.objects.get(email=PARTNER_EMAIL), request=request)
    end = timezone.now() - timedelta(minutes=5)
    Meeting.objects.filter(request=request).update(
        starts_at=end - timedelta(minutes=30), ends_at=end
    )

    tandem.goto(f"{base}/tandem/")
    assert "Wie sind Ihre Treffen gelaufen?" in tandem.content()
    tandem.locator(".outcome-row a", has_text="Ergebnis angeben").click()
    tandem.wait_for_load_state()
    tandem.check('input[name="attendance"][value="held"]')
    tandem.check('input[name="result"][value="pilot"]')
    tandem.screenshot(path=screenshots / "05-tandem-outcome-form.png", full_page=True)
    fits_a_phone(tandem_context, base, [tandem.url.removeprefix(base), "/sessions/"], screenshots)
    tandem.locator("form.outcome-form button[type=submit]").click()
    tandem.wait_for_load_state()
    assert "Ihre Antwort ist gespeichert" in tandem.locator(".messages").inner_text()

    partner.goto(f"{base}/partner/")
    partner.locator(".outcome-row a", has_text="填写会谈结果").click()
    partner.wait_for_load_state()
    partner.check('input[name="attendance"][value="held"]')
    partner.check('input[name="result"][value="nda"]')
    partner.screenshot(path=screenshots / "06-partner-outcome-form-chinese.png", full_page=True)
    partner.locator("form.outcome-form button[type=submit]").click()
    partner.wait_for_load_state()
    answers = MeetingOutcome.objects.filter(meeting__request=request)
    assert dict(answers.values_list("side", "result")) == {
        "tandem": "pilot",
        "institution": "nda",
    }

    organiser_context = browser.new_context(viewport={"width": 1400, "height": 900})
    organiser = log_in(organiser_context, base, "organiser@innohealth.example")
    organiser.goto(f"{base}/admin/matchmaking/meeting/?answers=differ")
    rows = organiser.locator("#result_list tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("CardioSense" in t and "Pilot project" in t and "(NDA)" in t for t in texts)
    assert any("CareConnect" in t for t in texts)  # the demo's own difference
    organiser.screenshot(path=screenshots / "07-organiser-sides-differ.png", full_page=True)
    organiser.goto(f"{base}/admin/matchmaking/registration/?session__kind=networking")
    assert "CardioSense" in organiser.locator("#result_list").inner_text()
    organiser.screenshot(path=screenshots / "08-organiser-registrations.png", full_page=True)
    for context in (tandem_context, partner_context, organiser_context):
        context.close()
