"""In real Chromium, an organiser's morning in German: the landing page, a reminder for the request
nobody answered, the planner, the meeting grid, and a day agenda printed."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from matchmaking.enums import LogAction, RequestStatus
from matchmaking.models import ActivityLog, Meeting, MeetingRequest, OutboxMessage, Tour, User

from .conftest import log_in
from .test_organiser_and_visitor import ORGANISER_EMAIL, _accepted_without_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organisers_morning_in_german(live_server, browser, screenshots, eager_tasks):
    call_command("load_demo")
    tour = Tour.objects.get(slug="innohealth-china")
    organiser = User.objects.get(email=ORGANISER_EMAIL)
    organiser.language = "de"
    organiser.save()
    waiting, _slot = _accepted_without_meeting(tour)
    silent = MeetingRequest.objects.get(tandem__slug="lungscan", institution__slug="infervision")
    assert silent.status == RequestStatus.PENDING
    MeetingRequest.objects.filter(pk=silent.pk).update(
        turn_since=timezone.now() - timedelta(days=3)
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
    page = log_in(context, base, ORGANISER_EMAIL)

    # The landing page: figures, charts, and what needs the organiser now.
    assert page.url == f"{base}/admin/"
    assert "Leitstand" in page.locator("#control-room-title").inner_text()
    assert page.locator("#needs-you-title").inner_text() == "Braucht Sie jetzt"
    assert page.locator("svg.chart").count() == 4
    assert page.locator("#figure-sent").inner_text() == str(tour.meeting_requests.count())
    page.screenshot(path=screenshots / "01-landing-de.png", full_page=True)

    # Remind the side that has not answered for three days.
    page.locator(f'li[data-request="{silent.pk}"] button').click()
    page.wait_for_load_state()
    assert "wurde erinnert" in page.locator(".messagelist .success").inner_text()
    assert ActivityLog.objects.about(silent).filter(action=LogAction.NUDGE).exists()
    assert OutboxMessage.objects.filter(kind="request_nudge").exists()
    page.screenshot(path=screenshots / "02-nudged.png", full_page=True)

    # Plan the accepted request that has no slot yet: the plan runs as a task (in-process here,
    # as in the embedded mode), its report is saved, and the grid shows the meeting.
    assert page.locator(f'#needs-you li[data-request="{waiting.pk}"]').count() == 1
    page.locator("#plan-now").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/admin/matchmaking/tour/{tour.pk}/schedule/"
    page.fill('input[name="time_limit"]', "5")
    page.locator("#plan-start input[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#plan-state .plan-status").inner_text() == "Fertig"
    page.screenshot(path=screenshots / "03-plan-report.png", full_page=True)
    page.locator('input[name="save"]').click()
    page.wait_for_load_state()
    assert "/grid/" in page.url
    assert Meeting.objects.filter(request=waiting).exists()

    # The grid, from the landing page.
    page.goto(f"{base}/admin/")
    assert page.locator(f'#needs-you li[data-request="{waiting.pk}"]').count() == 0
    page.locator("#link-grid").click()
    page.wait_for_load_state()
    assert page.locator("table.meeting-grid").count() == 1
    page.screenshot(path=screenshots / "04-grid.png", full_page=True)

    # The day agenda, printed: no menus, no filters, the table alone.
    page.goto(f"{base}/admin/")
    page.locator("#link-agenda").click()
    page.wait_for_load_state()
    assert page.locator("#day-agenda tbody tr").count() > 1
    assert page.locator("#agenda-day").inner_text().startswith("Montag, 22. März 2027")
    assert page.locator(".agenda-filter").is_visible()
    page.screenshot(path=screenshots / "05-day-agenda.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".agenda-filter").is_visible()
    assert not page.locator("#header").is_visible()
    assert page.locator("#day-agenda").is_visible()
    page.screenshot(path=screenshots / "06-day-agenda-print.png", full_page=True)
    page.pdf(path=screenshots / "06-day-agenda.pdf")
    assert (screenshots / "06-day-agenda.pdf").stat().st_size > 1000
    context.close()
