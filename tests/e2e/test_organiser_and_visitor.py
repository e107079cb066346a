"""In real Chromium, the two journeys besides the tandem's and the partner's: an organiser accepts a
request in the admin, plans and confirms the schedule and reads the grid in Shanghai time; a
visitor reads the public tour page in three languages and finds the login."""

import zoneinfo

import pytest
from django.core.management import call_command

from matchmaking.enums import RequestStatus
from matchmaking.models import Institution, Meeting, MeetingRequest, Session, Tandem, Tour, User
from matchmaking.roles import ORGANISERS_GROUP
from matchmaking.selectors.occupancy import occupancy
from matchmaking.selectors.slots import slot_at, tour_slots
from matchmaking.services.availability import set_availability
from matchmaking.services.requests import accept_request

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
ORGANISER_EMAIL = "organiser@innohealth.example"
BERLIN, SHANGHAI = zoneinfo.ZoneInfo("Europe/Berlin"), zoneinfo.ZoneInfo("Asia/Shanghai")


def _accepted_without_meeting(tour: Tour) -> tuple[MeetingRequest, str]:
    """RoboAssist ↔ BMR Center accepted while their only common slot was blocked by RoboAssist,
    which frees it afterwards: an accepted request for the planner, with one possible slot."""
    request = MeetingRequest.objects.get(tandem__slug="roboassist", institution__slug="bmr-center")
    partner = request.institution.representatives.first().user
    tandem_member = request.tandem.members.first().user
    slots = tour_slots(tour)
    occupied = occupancy(tour)
    free = occupied.free(tandem_id=request.tandem_id, institution_id=request.institution_id)[-1]
    set_availability(actor=partner, tour=tour, unavailable={s.id for s in slots if s.id != free.id})
    set_availability(actor=tandem_member, tour=tour, unavailable={free.id})
    accept_request(actor=partner, request=request)
    set_availability(actor=tandem_member, tour=tour, unavailable=set())
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and not hasattr(request, "meeting")
    return request, free.id


def _run_admin_action(page, checkbox_value: str, action: str) -> None:
    page.check(f'input[name="_selected_action"][value="{checkbox_value}"]')
    page.select_option('select[name="action"]', action)
    page.locator('button[name="index"]').click()
    page.wait_for_load_state()


def test_organiser_accepts_plans_and_reads_the_grid_in_shanghai(
    live_server, browser, screenshots, eager_tasks
):
    call_command("load_demo")
    tour = Tour.objects.get(slug="innohealth-china")
    waiting, free_slot = _accepted_without_meeting(tour)
    pending = MeetingRequest.objects.get(tandem__slug="lungscan", institution__slug="infervision")
    assert pending.status == RequestStatus.PENDING
    base = live_server.url
    context = browser.new_context(viewport={"width": 1400, "height": 900})

    organiser = User.objects.get(email=ORGANISER_EMAIL)
    assert organiser.is_staff and not organiser.is_superuser
    assert organiser.groups.filter(name=ORGANISERS_GROUP).exists()
    page = log_in(context, base, ORGANISER_EMAIL)
    assert page.url == f"{base}/admin/"
    assert page.locator("#content-main a", has_text="Meeting requests").count() == 1
    page.screenshot(path=screenshots / "01-organiser-admin-index.png", full_page=True)

    page.goto(f"{base}/admin/matchmaking/meetingrequest/?status__exact=pending")
    rows = page.locator("#result_list tbody tr")
    # RoboAssist's request was accepted above; LungScan's is the one left pending.
    assert rows.count() == 1 and "LungScan" in rows.inner_text()
    page.screenshot(path=screenshots / "02-pending-requests.png", full_page=True)
    _run_admin_action(page, str(pending.pk), "accept")
    assert page.locator(".messagelist .success").inner_text() == "1 request accepted."
    page.screenshot(path=screenshots / "03-request-accepted.png", full_page=True)
    pending.refresh_from_db()
    assert pending.status == RequestStatus.ACCEPTED
    meeting = Meeting.objects.get(request=pending)

    page.goto(f"{base}/admin/matchmaking/tour/")
    _run_admin_action(page, str(tour.pk), "plan_schedule")
    assert page.url == f"{base}/admin/matchmaking/tour/{tour.pk}/schedule/"
    # The plan runs as a task: in-process here, as in the embedded mode.
    page.fill('input[name="time_limit"]', "5")
    page.locator("#plan-start input[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{base}/admin/matchmaking/tour/{tour.pk}/schedule/")
    assert page.locator("#plan-state .plan-status").inner_text() == "Done"
    summary = page.locator("#plan-summary").inner_text()
    assert "1 new, 0 moved, 0 not placed" in summary, summary
    new_row = page.locator("#plan-new tbody tr")
    assert new_row.count() == 1
    assert "RoboAssist" in new_row.inner_text() and waiting.institution.name in new_row.inner_text()
    planned_start = next(slot for slot in tour_slots(tour) if slot.id == free_slot)
    assert planned_start.starts_at.astimezone(BERLIN).strftime("%H:%M") in new_row.inner_text()
    page.screenshot(path=screenshots / "04-plan-report.png", full_page=True)
    page.locator('input[name="save"]').click()
    page.wait_for_load_state()
    assert "/grid/" in page.url
    assert "Schedule saved. New meetings: 1, moved: 0." in page.locator(".messagelist").inner_text()
    placed = Meeting.objects.get(request=waiting)
    assert placed.starts_at == planned_start.starts_at
    page.screenshot(path=screenshots / "05-schedule-saved-grid-berlin.png", full_page=True)

    page.locator("#zone-toggle").click()
    page.wait_for_load_state()
    assert "zone=partner" in page.url
    day = slot_at(tour_slots(tour), meeting.starts_at).day
    other_day = page.locator(f'#content-main a[href^="?day={day}&"]:not(#zone-toggle)')
    if other_day.count():  # the grid opens on the first day; the meeting may be on another
        other_day.click()
        page.wait_for_load_state()
    # The admin's stylesheet shows headers in capitals; compare the text itself.
    header = page.locator("table.meeting-grid thead th").all_text_contents()
    assert header[:2] == ["Shanghai", "Berlin"]
    column = header.index(Tandem.objects.get(slug="lungscan").name)
    institution = Institution.objects.get(slug="infervision").name
    row = page.locator("table.meeting-grid tbody tr").filter(
        has=page.locator(f"td:nth-child({column + 1}).meeting", has_text=institution)
    )
    assert row.count() == 1
    clocks = row.locator("th.clock")
    assert clocks.first.inner_text() == meeting.starts_at.astimezone(SHANGHAI).strftime("%H:%M")
    assert clocks.nth(1).inner_text() == meeting.starts_at.astimezone(BERLIN).strftime("%H:%M")
    page.screenshot(path=screenshots / "06-grid-shanghai.png", full_page=True)
    context.close()


def _switch_language(page, label: str) -> None:
    page.select_option("#language-select", label=label)
    page.locator("form.language button[type=submit]").click()
    page.wait_for_load_state()


def test_visitor_reads_the_tour_in_three_languages_and_finds_the_login(
    live_server, browser, screenshots
):
    call_command("load_demo")
    tour = Tour.objects.get(slug="innohealth-china")
    first_session = Session.objects.filter(tour=tour, is_published=True).earliest("starts_at")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(f"{base}/")
    assert page.locator("h1").inner_text() == tour.name
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2#programme").inner_text() == "Programme"
    first = page.locator(".agenda-item").first
    assert first_session.title in first.inner_text()
    when = first.locator("time.when")
    assert when.get_attribute("data-zone") == "Berlin"
    assert first_session.starts_at.astimezone(BERLIN).strftime("%H:%M") in when.inner_text()
    other = first.locator(".other-zone")
    assert other.get_attribute("data-zone") == "Shanghai"
    assert first_session.starts_at.astimezone(SHANGHAI).strftime("%H:%M") in other.inner_text()
    assert "Kuan CHEN" in page.locator("section[aria-labelledby=speakers]").inner_text()
    assert "AHK Greater China" in page.locator("section[aria-labelledby=supporters]").inner_text()
    page.screenshot(path=screenshots / "01-home-english.png", full_page=True)

    _switch_language(page, "Deutsch")
    assert page.url == f"{base}/"
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h2#programme").inner_text() == "Programm"
    assert page.locator("h2#supporters").inner_text() == "Unterstützer"
    assert page.locator("#programme ~ h3").first.inner_text().startswith("Montag")
    page.screenshot(path=screenshots / "02-home-german.png", full_page=True)

    _switch_language(page, "简体中文")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h2#programme").inner_text() == "议程"
    assert page.locator("h2#speakers").inner_text() == "演讲嘉宾"
    assert "Kuan CHEN" in page.locator("section[aria-labelledby=speakers]").inner_text()
    # Read in Chinese, the programme leads with the partners' clock.
    when = page.locator(".agenda-item").first.locator("time.when")
    assert first_session.starts_at.astimezone(SHANGHAI).strftime("%H:%M") in when.inner_text()
    other = page.locator(".agenda-item").first.locator(".other-zone")
    assert first_session.starts_at.astimezone(BERLIN).strftime("%H:%M") in other.inner_text()
    page.screenshot(path=screenshots / "03-home-chinese.png", full_page=True)

    page.locator("header nav").get_by_role("link", name="登录").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/accounts/login/"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator('input[name="login"]').is_visible()
    assert page.locator('input[name="password"]').is_visible()
    page.screenshot(path=screenshots / "04-login-chinese.png", full_page=True)
    context.close()
