"""Slots: breaks in a day's meeting window, slot length that must divide the window, and the
placement at acceptance (preferred slots first, earliest free, else a reason)."""

import zoneinfo
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils import timezone

from matchmaking.admin.agenda import TourDaysFormSet
from matchmaking.models import BlockedSlot, Meeting, MeetingRequest, Tour, TourDay, WindowBreak
from matchmaking.scheduling import Reason
from matchmaking.selectors.slots import tour_slots
from matchmaking.services.requests import accept_request, request_meeting
from matchmaking.services.scheduling import plan_schedule, tour_problems

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(hour, minute=0, day=22):
    return datetime(2027, 3, day, hour, minute, tzinfo=BERLIN)


def alice_asks(people, institution, **kwargs):
    """Alice asks ``institution`` for a meeting on behalf of CardioSense."""
    return request_meeting(
        actor=people.alice,
        tandem=people.tandem,
        institution=institution,
        direction="tandem_to_institution",
        message="Hello",
        **kwargs,
    )


def first_day(tour):
    return tour.days.order_by("date").first()


def test_a_break_removes_its_slots_but_keeps_index_distances(tour):
    WindowBreak.objects.create(day=first_day(tour), starts_at=berlin(10), ends_at=berlin(10, 30))
    day_one = [s for s in tour_slots(tour) if s.day == 0]
    assert [s.index for s in day_one] == [0, 1, 2, 3, 5, 6, 7]
    assert [s.id for s in day_one][3:5] == ["d0s3", "d0s5"]
    assert day_one[4].starts_at == berlin(10, 30)
    assert len(tour_slots(tour)) == 15


def test_a_break_off_the_slot_grid_removes_every_slot_it_touches(tour):
    WindowBreak.objects.create(
        day=first_day(tour), starts_at=berlin(10, 15), ends_at=berlin(10, 45)
    )
    starts = [s.starts_at for s in tour_slots(tour) if s.day == 0]
    assert berlin(10) not in starts and berlin(10, 30) not in starts
    assert berlin(11) in starts


def test_meetings_never_go_into_a_break(people):
    WindowBreak.objects.create(day=first_day(people.tour), starts_at=berlin(8), ends_at=berlin(9))
    request = alice_asks(people, people.institution)
    accept_request(actor=people.chen, request=request)
    assert Meeting.objects.get(request=request).starts_at == berlin(9)


def test_a_break_outside_the_window_is_refused_with_a_clear_message(tour):
    outside = WindowBreak(day=first_day(tour), starts_at=berlin(11, 30), ends_at=berlin(12, 30))
    with (
        timezone.override(BERLIN),
        pytest.raises(
            ValidationError,
            match="lies outside the day's meeting window 08:00–12:00 \\(Europe/Berlin\\)",
        ),
    ):
        outside.full_clean()


def test_a_slot_length_that_does_not_divide_the_window_is_refused(tour):
    day = first_day(tour)
    day.window_end = berlin(12, 15)
    with pytest.raises(
        ValidationError, match="lasts 255 minutes, which cannot be cut into slots of 30"
    ):
        day.full_clean()
    day.window_end = berlin(12)
    tour.slot_minutes = 25  # 240 minutes are not a multiple of 25
    day.tour = tour
    with pytest.raises(ValidationError, match="for example 225 or 250 minutes"):
        day.full_clean()
    tour.slot_minutes = 40
    day.full_clean()


def test_the_day_admin_page_refuses_a_bad_window_and_a_bad_break(client, people):
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_tourday_add")
    data = {
        "tour": people.tour.pk,
        "date": "2027-03-24",
        "window_start_0": "2027-03-24",
        "window_start_1": "08:00",
        "window_end_0": "2027-03-24",
        "window_end_1": "12:10",
        "breaks-TOTAL_FORMS": "1",
        "breaks-INITIAL_FORMS": "0",
        "breaks-0-starts_at_0": "2027-03-24",
        "breaks-0-starts_at_1": "12:30",
        "breaks-0-ends_at_0": "2027-03-24",
        "breaks-0-ends_at_1": "13:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be cut into slots of 30 minutes" in html
    assert "lies outside the day&#x27;s meeting window" in html
    data["window_end_1"] = "14:00"
    response = client.post(url, data)
    assert response.status_code == 302
    day = TourDay.objects.get(date="2027-03-24")
    assert day.breaks.get().starts_at == berlin(12, 30, day=24)


def test_tour_problems_report_days_that_were_saved_before_the_checks(tour):
    TourDay.objects.filter(pk=first_day(tour).pk).update(window_end=berlin(12, 10))
    WindowBreak.objects.create(day=first_day(tour), starts_at=berlin(7), ends_at=berlin(7, 30))
    with timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")):
        problems = tour_problems(tour)
    assert len(problems) == 2
    assert problems[0].startswith(
        "2027-03-22: The meeting window 15:00–19:10 (Asia/Shanghai) lasts 250 minutes"
    )
    assert "lies outside" in problems[1]


def test_acceptance_prefers_the_requesters_slots_then_the_earliest_free(people):
    request = alice_asks(people, people.institution, preferred_starts=[berlin(10, 30), berlin(9)])
    BlockedSlot.objects.create(
        tour=people.tour, institution=people.institution, starts_at=berlin(10, 30)
    )
    accept_request(actor=people.chen, request=request)
    # The first choice is blocked on the partner's side, so the second one is taken.
    assert Meeting.objects.get(request=request).starts_at == berlin(9)
    second = alice_asks(people, people.other_institution)
    accept_request(actor=people.olga, request=second)
    assert Meeting.objects.get(request=second).starts_at == berlin(8)


def test_without_a_common_slot_the_request_stays_accepted_with_the_reason(people):
    for slot in tour_slots(people.tour):
        party = {"tandem": people.tandem} if slot.day == 0 else {"institution": people.institution}
        BlockedSlot.objects.create(tour=people.tour, starts_at=slot.starts_at, **party)
    request = alice_asks(people, people.institution)
    accept_request(actor=people.chen, request=request)
    request.refresh_from_db()
    assert request.status == "accepted" and not Meeting.objects.filter(request=request).exists()
    assert request.unscheduled_reason == Reason.NO_COMMON_SLOT.value
    # The batch planner agrees and explains it the same way.
    plan = plan_schedule(tour=people.tour, time_limit=5)
    assert [u.reason for u in plan.unplaced] == [Reason.NO_COMMON_SLOT.value]
    assert MeetingRequest.objects.get(pk=request.pk).unscheduled_reason == "no_common_slot"


def tour_page_data(tour, slot_minutes) -> dict:
    """The tour page as posted, its days unchanged (08:00–12:00 Berlin)."""
    days = list(tour.days.order_by("date"))
    data = {
        "name_en": tour.name,
        "slug": tour.slug,
        "status": tour.status,
        "slot_minutes": str(slot_minutes),
        "tandem_time_zone": "Europe/Berlin",
        "partner_time_zone": "Asia/Shanghai",
        "request_expiry_days": "7",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": str(len(days)),
        "supporters-TOTAL_FORMS": "0",
        "supporters-INITIAL_FORMS": "0",
        "video_providers-TOTAL_FORMS": "0",
        "video_providers-INITIAL_FORMS": "0",
    }
    for n, day in enumerate(days):
        local = day.date.isoformat()
        data |= {
            f"days-{n}-id": day.pk,
            f"days-{n}-tour": tour.pk,
            f"days-{n}-date": local,
            f"days-{n}-window_start_0": local,
            f"days-{n}-window_start_1": "08:00",
            f"days-{n}-window_end_0": local,
            f"days-{n}-window_end_1": "12:00",
        }
    return data


def test_changing_the_slot_length_on_the_tour_page_checks_every_day(client, people):
    tour = people.tour
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_tour_change", args=[tour.pk])
    data = tour_page_data(tour, 25)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.content.decode().count("cannot be cut into slots of 25 minutes") == 2
    tour.refresh_from_db()
    assert tour.slot_minutes == 30
    data["slot_minutes"] = "40"
    assert client.post(url, data).status_code == 302
    tour.refresh_from_db()
    assert tour.slot_minutes == 40 and len(tour_slots(tour)) == 12


def test_a_window_on_another_date_than_its_day_is_refused_and_listed(tour):
    day = first_day(tour)
    day.window_start, day.window_end = berlin(8, day=23), berlin(12, day=23)
    with pytest.raises(ValidationError, match="not on the day's date 2027-03-22"):
        day.full_clean()
    # Late evening in Berlin is already the next morning in Shanghai: either home zone will do.
    late = TourDay(
        tour=tour,
        date=datetime(2027, 3, 30).date(),
        window_start=datetime(2027, 3, 29, 23, tzinfo=BERLIN),
        window_end=datetime(2027, 3, 30, 1, tzinfo=BERLIN),
    )
    late.full_clean()
    TourDay.objects.filter(pk=day.pk).update(
        window_start=day.window_start, window_end=day.window_end
    )
    assert tour_problems(tour) == [
        "2027-03-22: The meeting window starts on 2027-03-23 08:00 (Europe/Berlin), not on the "
        "day's date 2027-03-22. Move the window to 2027-03-22 or change the day's date."
    ]


def test_no_day_change_leaves_a_scheduled_meeting_outside_its_slots(client, people):
    """A break over a meeting, a window that no longer holds it, or the day deleted would leave
    both sides expecting a meeting no grid shows."""
    accept_request(actor=people.chen, request=alice_asks(people, people.institution))
    meeting = Meeting.objects.get()
    day = first_day(people.tour)
    assert meeting.starts_at == berlin(8)
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_tourday_change", args=[day.pk])
    data = {
        "tour": people.tour.pk,
        "date": "2027-03-22",
        "window_start_0": "2027-03-22",
        "window_start_1": "08:00",
        "window_end_0": "2027-03-22",
        "window_end_1": "12:00",
        "breaks-TOTAL_FORMS": "1",
        "breaks-INITIAL_FORMS": "0",
        "breaks-0-starts_at_0": "2027-03-22",
        "breaks-0-starts_at_1": "08:00",
        "breaks-0-ends_at_0": "2027-03-22",
        "breaks-0-ends_at_1": "08:30",
    }
    refused = "Scheduled meetings would no longer be in one of the day&#x27;s slots"
    assert refused in client.post(url, data).content.decode()
    data["breaks-TOTAL_FORMS"], data["window_start_1"] = "0", "09:00"
    assert refused in client.post(url, data).content.decode()
    data["window_start_1"] = "08:15"  # the meeting would straddle two slots
    data["window_end_1"] = "12:15"
    assert refused in client.post(url, data).content.decode()
    day.refresh_from_db()
    assert (day.window_start, day.breaks.count()) == (berlin(8), 0)

    delete = reverse("admin:matchmaking_tourday_delete", args=[day.pk])
    for response in (
        client.get(delete, follow=True),
        client.post(delete, {"post": "yes"}, follow=True),
        client.post(
            reverse("admin:matchmaking_tourday_changelist"),
            {"action": "delete_selected", "_selected_action": [day.pk], "post": "yes"},
            follow=True,
        ),
    ):
        assert "Scheduled meetings would no longer be in one of the day's slots" in " ".join(
            str(m) for m in response.context["messages"]
        )
    assert TourDay.objects.filter(pk=day.pk).exists()

    data["window_start_1"], data["window_end_1"] = "07:00", "12:00"  # holds the meeting still
    assert client.post(url, data).status_code == 302


def test_the_tour_page_neither_deletes_nor_narrows_a_day_holding_a_meeting(people):
    accept_request(actor=people.chen, request=alice_asks(people, people.institution))
    days = inlineformset_factory(
        Tour, TourDay, formset=TourDaysFormSet, fields=["date", "window_start", "window_end"]
    )
    stored = list(people.tour.days.order_by("date"))
    data = {"days-TOTAL_FORMS": len(stored), "days-INITIAL_FORMS": len(stored)}
    for number, day in enumerate(stored):
        data.update(
            {
                f"days-{number}-id": day.pk,
                f"days-{number}-date": day.date.isoformat(),
                f"days-{number}-window_start": day.window_start.isoformat(),
                f"days-{number}-window_end": day.window_end.isoformat(),
            }
        )
    assert days(data, instance=people.tour, prefix="days").is_valid()
    for change in ({"days-0-DELETE": "on"}, {"days-0-window_start": berlin(9).isoformat()}):
        formset = days({**data, **change}, instance=people.tour, prefix="days")
        assert not formset.is_valid()
        assert "no longer be in one of the day's slots" in " ".join(formset.non_form_errors())
    # A window that is no time at all is that row's error, not a failure of the page.
    formset = days({**data, "days-0-window_start": "garbage"}, instance=people.tour, prefix="days")
    assert not formset.is_valid() and formset.errors[0]["window_start"]


def test_the_slot_length_stays_while_meetings_are_scheduled(client, people):
    accept_request(actor=people.chen, request=alice_asks(people, people.institution))
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_tour_change", args=[people.tour.pk])
    response = client.post(url, tour_page_data(people.tour, 60))
    assert response.status_code == 200
    assert (
        "The slot length cannot change while the tour has scheduled meetings (1)"
        in response.content.decode()
    )
    people.tour.refresh_from_db()
    assert people.tour.slot_minutes == 30
    assert client.post(url, tour_page_data(people.tour, 30)).status_code == 302


def test_planner_warnings_name_the_zone_of_their_times(people):
    accept_request(actor=people.chen, request=alice_asks(people, people.institution))
    WindowBreak.objects.create(
        day=first_day(people.tour), starts_at=berlin(8), ends_at=berlin(8, 30)
    )
    with timezone.override(zoneinfo.ZoneInfo("UTC")):  # a worker has no reader's zone
        plan = plan_schedule(tour=people.tour, time_limit=5)
    (warning,) = [w for w in plan.warnings if "CardioSense" in w]
    assert "at 2027-03-22 07:00 UTC" in warning
