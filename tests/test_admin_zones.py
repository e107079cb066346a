"""Every time in the admin carries its zone and the other home zone beside it: list columns,
object names, the hints on date-and-time inputs and the history (issue 10 point 7)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from matchmaking.models import ActivityLog, BlockedSlot, Meeting, TourDay
from matchmaking.services.activity import from_to, log_action
from tests import factories

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
AT = datetime(2027, 3, 22, 9, 0, tzinfo=BERLIN)  # 08:00 UTC, 16:00 Shanghai


@pytest.fixture
def meeting(people):
    request = factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.institution)
    return Meeting.objects.create(
        request=request,
        tour=people.tour,
        tandem=people.tandem,
        institution=people.institution,
        starts_at=AT,
        ends_at=AT + timedelta(minutes=30),
    )


def _html(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("zone", "own", "other"),
    [
        ("Europe/Berlin", '22.03.2027 09:00 <span class="zone">Berlin</span>', "(16:00 Shanghai)"),
        ("Asia/Shanghai", '22.03.2027 16:00 <span class="zone">Shanghai</span>', "(09:00 Berlin)"),
        ("Europe/London", '22.03.2027 08:00 <span class="zone">London</span>', "(16:00 Shanghai)"),
    ],
)
def test_list_columns_show_the_organisers_zone_and_the_other_home_zone(
    client, people, meeting, zone, own, other
):
    people.otto.time_zone, people.otto.language = zone, "de"
    people.otto.save()
    factories.SessionFactory(tour=people.tour, starts_at=AT, ends_at=AT + timedelta(hours=1))
    BlockedSlot.objects.create(tour=people.tour, tandem=people.other_tandem, starts_at=AT)
    client.force_login(people.otto)
    for name in (
        "admin:matchmaking_meeting_changelist",
        "admin:matchmaking_session_changelist",
        "admin:matchmaking_blockedslot_changelist",
    ):
        html = _html(client, name)
        assert own in html and other in html, name
        assert " UTC" not in html.replace('data-zone="UTC"', ""), name


def test_tour_day_windows_say_which_zone_they_are_in(client, people):
    client.force_login(people.otto)
    html = _html(client, "admin:matchmaking_tourday_changelist")
    assert '08:00 <span class="zone">Berlin</span>' in html and "(15:00 Shanghai)" in html
    day = TourDay.objects.filter(tour=people.tour).first()
    form = _html(client, "admin:matchmaking_tourday_change", day.pk)
    assert form.count("Date and time in Berlin (your time zone).") >= 2
    tour_page = _html(client, "admin:matchmaking_tour_change", people.tour.pk)
    assert "Date and time in Berlin (your time zone)." in tour_page


def test_object_names_say_their_zone(people, meeting):
    with timezone.override(ZoneInfo("Asia/Shanghai")):
        assert str(meeting) == "CardioSense ↔ BGI Group @ 2027-03-22 16:00 Shanghai (09:00 Berlin)"
    with timezone.override(BERLIN):
        slot = BlockedSlot(tour=people.tour, tandem=people.tandem, starts_at=AT)
        assert str(slot) == "CardioSense @ 2027-03-22 09:00 Berlin (16:00 Shanghai)"
    client_title = str(meeting)
    assert "UTC" not in client_title


def test_the_history_shows_times_with_their_zone(client, people, meeting):
    log_action(
        actor=people.otto,
        obj=meeting,
        action="move",
        data={"starts_at": from_to(AT.isoformat(), (AT + timedelta(hours=1)).isoformat())},
    )
    client.force_login(people.otto)
    html = _html(client, "admin:matchmaking_meeting_history", meeting.pk)
    assert (
        "2027-03-22 09:00 Berlin (16:00 Shanghai) → 2027-03-22 10:00 Berlin (17:00 Shanghai)"
        in html
    )
    assert ActivityLog.objects.about(meeting).exists()


def test_read_only_times_on_change_pages_carry_both_zones(client, people, meeting):
    """Times Django would render itself (read-only fields of any admin, whatever it returns from
    get_readonly_fields, and of inlines) show the organiser's zone with the other beside it."""
    people.otto.time_zone, people.otto.language = "Asia/Shanghai", "de"
    people.otto.save()
    answered = meeting.request
    answered.acted_at = AT
    answered.save(update_fields=["acted_at"])
    entry = log_action(actor=people.otto, obj=meeting, action="change", data={})
    ActivityLog.objects.filter(pk=entry.pk).update(at=AT)
    client.force_login(people.otto)

    for name, pk in (
        ("admin:matchmaking_meetingrequest_change", answered.pk),
        ("admin:matchmaking_activitylog_change", entry.pk),
    ):
        html = _html(client, name, pk)
        assert '22.03.2027 16:00 <span class="zone">Shanghai</span>' in html, name
        assert "(09:00 Berlin)" in html, name
        assert "UTC" not in html.split('id="content-main"')[1], name
