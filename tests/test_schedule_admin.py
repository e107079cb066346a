"""The organisers' scheduling pages in the admin: plan-and-confirm, and the meeting grid."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking.models import BlockedSlot, Meeting, PlanningRun
from matchmaking.selectors.slots import tour_slots
from matchmaking.services.requests import accept_request

from . import factories

pytestmark = pytest.mark.django_db


def scheduled(people, tandem, institution):
    request = factories.MeetingRequestFactory(tandem=tandem, institution=institution)
    accept_request(actor=people.otto, request=request)
    return Meeting.objects.get(request=request)


def schedule_url(tour):
    return reverse("admin:matchmaking_tour_schedule", args=[tour.pk])


def grid_url(tour):
    return reverse("admin:matchmaking_tour_grid", args=[tour.pk])


def run_action(client, *tours):
    return client.post(
        reverse("admin:matchmaking_tour_changelist"),
        {"action": "plan_schedule", "_selected_action": [t.pk for t in tours]},
    )


def test_the_action_leads_an_organiser_to_the_planner(client, people):
    client.force_login(people.otto)
    response = run_action(client, people.tour)
    assert response.status_code == 302 and response["Location"] == schedule_url(people.tour)
    html = client.get(schedule_url(people.tour)).content.decode()
    assert 'name="allow_moves"' in html and 'name="time_limit"' in html


def test_a_stale_plan_is_refused_on_saving(
    client, people, eager_tasks, django_capture_on_commit_callbacks
):
    factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.institution)
    client.force_login(people.otto)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(schedule_url(people.tour), {"time_limit": "5"})
    run = PlanningRun.objects.get()
    factories.AcceptedRequestFactory(tandem=people.other_tandem, institution=people.institution)
    url = reverse("admin:matchmaking_tour_plan", args=[people.tour.pk, run.pk])
    response = client.post(url, {"save": "1"}, follow=True)
    assert "Something changed since this plan was made" in response.content.decode()
    assert not Meeting.objects.exists()
    run.refresh_from_db()
    assert run.saved_at is None


def test_the_action_wants_exactly_one_tour(client, people):
    client.force_login(people.otto)
    response = run_action(client, people.tour, factories.TourFactory())
    assert response.status_code == 302
    assert "Choose exactly one tour" in client.get(response["Location"]).content.decode()


def test_a_partner_is_refused(client, people):
    client.force_login(people.chen)
    for response in (
        client.get(schedule_url(people.tour)),
        client.get(grid_url(people.tour)),
        run_action(client, people.tour),
    ):
        assert response.status_code == 302 and "login" in response["Location"]


def test_staff_who_are_not_organisers_are_refused(client, people):
    clerk = factories.UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(schedule_url(people.tour)).status_code == 403
    assert client.get(grid_url(people.tour)).status_code == 403


def test_the_tour_page_links_to_the_grid_and_the_planner(client, people):
    client.force_login(people.otto)
    html = client.get(
        reverse("admin:matchmaking_tour_change", args=[people.tour.pk])
    ).content.decode()
    assert grid_url(people.tour) in html and schedule_url(people.tour) in html


@pytest.fixture
def busy_day(people):
    """CardioSense meets BGI Group at 08:00; LungScan is in a session 09:00–10:00; InferVision
    is unavailable at 11:30 (all Berlin, first day)."""
    meeting = scheduled(people, people.tandem, people.institution)
    factories.SessionFactory(tour=people.tour, title="Keynote on digital health").tandems.add(
        people.other_tandem
    )
    BlockedSlot.objects.create(
        tour=people.tour,
        institution=people.other_institution,
        starts_at=tour_slots(people.tour)[7].starts_at,
    )
    return meeting


@pytest.mark.parametrize(
    ("zone", "first", "second"), [("tandem", "08:00", "15:00"), ("partner", "15:00", "08:00")]
)
def test_the_grid_opens_in_either_home_zone(client, people, busy_day, zone, first, second):
    client.force_login(people.otto)
    response = client.get(grid_url(people.tour), {"zone": zone})
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<tbody>") :]
    assert body.index(first) < body.index(second)
    cells = [(c.kind, c.text) for c in response.context["rows"][0][1]]
    columns = [c.name for c in response.context["columns"]]
    assert columns == ["CardioSense", "LungScan", "BGI Group", "InferVision"]
    assert cells == [
        ("meeting", "BGI Group"),
        ("free", ""),
        ("meeting", "CardioSense"),
        ("free", ""),
    ]
    assert response.context["rows"][2][1][1].text == "Keynote on digital health"
    assert response.context["rows"][7][1][3].kind == "unavailable"


def test_bad_grid_parameters_fall_back_to_the_first_day(client, people):
    client.force_login(people.otto)
    for params in ({"day": "x"}, {"day": "99"}, {"zone": "mars"}):
        response = client.get(grid_url(people.tour), params)
        assert response.status_code == 200 and response.context["day"] == 0


def test_a_conflicting_move_is_refused_with_the_reason(client, people, busy_day):
    # BGI Group also meets LungScan at 08:30: CardioSense's meeting cannot move there.
    other = scheduled(people, people.other_tandem, people.institution)
    target = tour_slots(people.tour)[1]
    assert other.starts_at == target.starts_at
    client.force_login(people.otto)
    response = client.post(
        grid_url(people.tour), {"request": busy_day.request_id, "slot": target.id}
    )
    assert response.status_code == 400
    assert "The institution is not free at this time." in response.content.decode()
    busy_day.refresh_from_db()
    assert busy_day.starts_at == tour_slots(people.tour)[0].starts_at and busy_day.sequence == 0


def test_moving_and_placing_from_the_grid(client, people, busy_day):
    waiting = factories.AcceptedRequestFactory(
        tandem=people.other_tandem, institution=people.institution
    )
    client.force_login(people.otto)
    page = client.get(grid_url(people.tour))
    assert [r.pk for r, _why in page.context["waiting"]] == [waiting.pk]
    slots = tour_slots(people.tour)
    response = client.post(
        grid_url(people.tour) + "?zone=partner",
        {"request": busy_day.request_id, "slot": slots[9].id},
    )
    assert (
        response.status_code == 302
        and "day=1" in response["Location"]
        and "zone=partner" in response["Location"]
    )
    busy_day.refresh_from_db()
    assert busy_day.starts_at == slots[9].starts_at
    # LungScan is in the keynote at 09:00, so placing its request there is refused …
    response = client.post(grid_url(people.tour), {"request": waiting.pk, "slot": slots[2].id})
    assert response.status_code == 400 and "The tandem is not free" in response.content.decode()
    # … and 08:00, now free for BGI Group, works.
    client.post(grid_url(people.tour), {"request": waiting.pk, "slot": slots[0].id})
    assert Meeting.objects.get(request=waiting).starts_at == slots[0].starts_at


@pytest.mark.parametrize(
    "values", [{"request": "999999", "slot": "d0s0"}, {"request": "", "slot": "nope"}]
)
def test_tampered_grid_form_input_is_a_form_error(client, people, busy_day, values):
    client.force_login(people.otto)
    response = client.post(grid_url(people.tour), values)
    assert response.status_code == 400 and response.context["form"].errors
    busy_day.refresh_from_db()
    assert busy_day.sequence == 0


def test_the_grid_query_count_does_not_grow_with_the_data(client, people, busy_day):
    client.force_login(people.otto)
    client.get(grid_url(people.tour))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        client.get(grid_url(people.tour))
    for _ in range(4):
        tandem = factories.TandemFactory(tour=people.tour)
        institution = factories.InstitutionFactory(tours=[people.tour])
        scheduled(people, tandem, institution)
        factories.AcceptedRequestFactory(tandem=tandem, institution=people.other_institution)
        factories.SessionFactory(tour=people.tour).institutions.add(institution)
        BlockedSlot.objects.create(
            tour=people.tour, tandem=tandem, starts_at=tour_slots(people.tour)[5].starts_at
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(grid_url(people.tour))
    assert len(response.context["columns"]) == 12
    assert len(large) == len(small)
