"""In real Chromium under the strict Content-Security-Policy: the portal's pages and the
organisers' admin pages (Django's own JavaScript included: autocomplete, inlines, filters)
load without a single blocked script, style or image."""

import pytest
from django.core.management import call_command

from matchmaking.models import Tour

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def watch_violations(page) -> list[str]:
    """Every CSP violation the page reports (Chromium logs each one to the console)."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_portal_and_admin_pages_run_under_the_policy(live_server, browser):
    call_command("load_demo")
    tour = Tour.objects.get(slug="innohealth-china")
    base = live_server.url
    page = browser.new_context().new_page()
    violations = watch_violations(page)
    for path in ["/", "/accounts/login/"]:
        response = page.goto(f"{base}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"]
    partner = log_in(browser.new_context(), base, "bgi@partner.example")
    partner_violations = watch_violations(partner)
    for path in ["/partner/", "/availability/", "/schedule/", "/account/preferences/"]:
        partner.goto(f"{base}{path}")
    organiser = log_in(browser.new_context(), base, "organiser@innohealth.example")
    organiser_violations = watch_violations(organiser)
    organiser.goto(f"{base}/admin/matchmaking/blockedslot/add/")
    # Django's autocomplete (jQuery + Select2 + autocomplete.js) turned the select into a widget.
    organiser.wait_for_selector(".select2-container")
    organiser.goto(f"{base}/admin/matchmaking/tandem/{tour.tandems.first().pk}/change/")
    organiser.wait_for_selector(".add-row a", state="attached")  # inlines.js added "Add another"
    organiser.goto(f"{base}/admin/matchmaking/meetingrequest/?status__exact=pending")
    organiser.goto(f"{base}/admin/matchmaking/tour/{tour.pk}/grid/")
    assert (
        organiser.locator(".meeting-grid-scroll").evaluate("e => getComputedStyle(e).overflowX")
        == "auto"
    )  # the grid's stylesheet applies
    assert violations + partner_violations + organiser_violations == []
