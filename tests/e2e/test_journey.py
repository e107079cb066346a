"""In real Chromium: a tandem member finds BGI Group by its Chinese name and asks for a meeting;
the BGI representative, in the Chinese interface, accepts; both see the meeting in their zone."""

import zoneinfo

import pytest
from django.core.management import call_command

from matchmaking.models import Meeting

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
TANDEM_EMAIL, PARTNER_EMAIL = "researcher1@tandem.example", "bgi@partner.example"


def _meeting_time(page) -> tuple[str, str, str]:
    """The time, the zone and the other zone of the meeting as the schedule shows it."""
    item = page.locator('.schedule-item[data-kind="meeting"]', has_text="CardioSense")
    when = item.locator("time.when")
    return (
        when.inner_text(),
        when.get_attribute("data-zone"),
        item.locator(".other-zone").inner_text(),
    )


def fits_a_phone(context, base: str, paths: list[str], screenshots) -> None:
    """Each page at 375 px wide: nothing scrolls sideways."""
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    for path in paths:
        page.goto(f"{base}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        name = path.split("?")[0].strip("/").replace("/", "-") or "home"
        page.screenshot(path=screenshots / f"375-{name}.png", full_page=True)
        assert overflow <= 0, (path, overflow)
    page.close()


def test_tandem_requests_bgi_and_bgi_accepts_in_chinese(live_server, browser, screenshots):
    call_command("load_demo")
    base = live_server.url
    tandem_context = browser.new_context(viewport={"width": 1280, "height": 900})
    tandem = log_in(tandem_context, base, TANDEM_EMAIL)
    assert tandem.url.endswith("/tandem/")
    tandem.screenshot(path=screenshots / "01-tandem-dashboard.png", full_page=True)

    tandem.goto(f"{base}/institutions/")
    tandem.fill("#id_q", "华大集团")
    tandem.locator("form.filters button[type=submit]").click()
    tandem.wait_for_load_state()
    cards = tandem.locator(".cards .card")
    assert cards.count() == 1 and "BGI Group" in cards.first.inner_text()
    tandem.screenshot(path=screenshots / "02-directory-search-chinese-name.png", full_page=True)

    cards.first.locator("a").click()
    tandem.wait_for_load_state()
    tandem.fill("#id_message", "We would like to discuss ECG screening with genomics data.")
    tandem.select_option("#id_preferred_1", index=1)
    wished = tandem.locator("#id_preferred_1").input_value()
    tandem.screenshot(path=screenshots / "03-request-form.png", full_page=True)
    tandem.locator("form.request-form button[type=submit]").click()
    tandem.wait_for_load_state()
    assert "/requests/" in tandem.url
    tandem.screenshot(path=screenshots / "04-request-sent.png", full_page=True)

    partner_context = browser.new_context(viewport={"width": 1280, "height": 900})
    partner = log_in(partner_context, base, PARTNER_EMAIL)
    assert partner.url.endswith("/partner/")
    assert partner.locator("html").get_attribute("lang") == "zh-hans"
    partner.screenshot(path=screenshots / "05-partner-dashboard-chinese.png", full_page=True)
    partner.locator(".request-card h3 a", has_text="CardioSense").click()
    partner.wait_for_load_state()
    assert "ECG screening with genomics data" in partner.content()
    partner.screenshot(path=screenshots / "06-partner-request.png", full_page=True)
    # The list to accept from and the one to propose from, still open, at a phone's width.
    fits_a_phone(partner_context, base, ["/partner/", partner.url.removeprefix(base)], screenshots)
    partner.locator("#accept-form button[type=submit]").click()
    partner.wait_for_load_state()
    partner.screenshot(path=screenshots / "07-partner-accepted.png", full_page=True)

    meeting = Meeting.objects.get(tandem__slug="cardiosense", institution__slug="bgi")
    assert meeting.starts_at.isoformat() == wished  # the tandem's first wish was free
    berlin = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    shanghai = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).strftime("%H:%M")

    tandem.goto(f"{base}/schedule/")
    shown, zone, other = _meeting_time(tandem)
    assert berlin in shown and zone == "Berlin" and shanghai in other
    tandem.screenshot(path=screenshots / "08-tandem-schedule-berlin.png", full_page=True)

    partner.goto(f"{base}/schedule/")
    shown, zone, other = _meeting_time(partner)
    assert shanghai in shown and berlin in other
    assert zone != "Berlin"
    partner.screenshot(path=screenshots / "09-partner-schedule-shanghai.png", full_page=True)

    # At a phone's width, no page scrolls sideways.
    meeting_request = f"/requests/{meeting.request_id}/"
    fits_a_phone(
        tandem_context,
        base,
        ["/", "/tandem/", "/institutions/", "/schedule/", "/availability/", meeting_request],
        screenshots,
    )
    fits_a_phone(
        partner_context,
        base,
        ["/partner/", "/tandems/", "/schedule/", "/partner/profile/", "/availability/"],
        screenshots,
    )
    tandem_context.close()
    partner_context.close()
