"""The organisers' scheduling pages in the admin: plan-and-confirm, and the meeting grid."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking.admin.scheduling import GRID_COLUMNS
from matchmaking.models import (
    ActivityLog,
    BlockedSlot,
    Institution,
    Meeting,
    OutboxMessage,
    PlanningRun,
    Tandem,
)
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
        grid_url(people.tour),
        {"request": busy_day.request_id, "slot": target.id, "reason": "CardioSense asked"},
    )
    # First the confirmation …
    assert response.status_code == 200 and response.context["confirm"]
    assert "Yes, move this meeting" in response.content.decode()
    # … then the refusal, with nothing changed and nobody told.
    outbox_before = OutboxMessage.objects.count()
    response = client.post(
        grid_url(people.tour),
        {
            "request": busy_day.request_id,
            "slot": target.id,
            "reason": "CardioSense asked",
            "confirmed": "on",
        },
    )
    assert response.status_code == 400
    assert "The institution is not free at this time." in response.content.decode()
    busy_day.refresh_from_db()
    assert busy_day.starts_at == tour_slots(people.tour)[0].starts_at and busy_day.sequence == 0
    assert OutboxMessage.objects.count() == outbox_before
    assert not ActivityLog.objects.about(busy_day).filter(action="move").exists()


def test_moving_and_placing_from_the_grid(client, people, busy_day, deliver):
    waiting = factories.AcceptedRequestFactory(
        tandem=people.other_tandem, institution=people.institution
    )
    client.force_login(people.otto)
    page = client.get(grid_url(people.tour))
    assert [r.pk for r, _why in page.context["waiting"]] == [waiting.pk]
    slots = tour_slots(people.tour)
    # Onto its own slot is no move at all.
    response = client.post(
        grid_url(people.tour),
        {"request": busy_day.request_id, "slot": slots[0].id, "reason": "x", "confirmed": "on"},
    )
    assert response.status_code == 400 and "at this time already" in response.content.decode()
    move = {"request": busy_day.request_id, "slot": slots[9].id}
    # A move without a reason is refused; with one it asks for confirmation first.
    response = client.post(grid_url(people.tour) + "?zone=partner", move)
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    move["reason"] = "BGI Group's delegation travels that morning"
    response = client.post(grid_url(people.tour) + "?zone=partner", move)
    assert response.status_code == 200 and "Move CardioSense ↔ BGI Group from" in (
        response.content.decode()
    )
    busy_day.refresh_from_db()
    assert busy_day.sequence == 0
    response = client.post(grid_url(people.tour) + "?zone=partner", {**move, "confirmed": "on"})
    assert (
        response.status_code == 302
        and "day=1" in response["Location"]
        and "zone=partner" in response["Location"]
    )
    busy_day.refresh_from_db()
    assert busy_day.starts_at == slots[9].starts_at
    # The reason is in the history and in the e-mail to both sides.
    entry = ActivityLog.objects.about(busy_day).get(action="move")
    assert entry.data["reason"] == move["reason"] and entry.actor == people.otto
    moved = OutboxMessage.objects.filter(kind="meeting_moved")
    assert set(moved.values_list("email", flat=True)) == {
        "alice@tandem.example",
        "anton@tandem.example",
        "chen@partner.example",
    }
    sent = deliver()
    for address in ("alice@tandem.example", "chen@partner.example"):
        assert any(move["reason"] in m.body for m in sent if m.to == [address])
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


def test_the_grid_at_300_tandems_and_300_institutions_shows_a_page_in_bounded_queries(
    client, people, busy_day
):
    client.force_login(people.otto)
    client.get(grid_url(people.tour))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        client.get(grid_url(people.tour))
    tandems = Tandem.objects.bulk_create(
        Tandem(tour=people.tour, name=f"Tandem {n:03}", slug=f"grid-tandem-{n:03}")
        for n in range(298)
    )
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Institution {n:03}", slug=f"grid-institution-{n:03}") for n in range(298)
    )
    people.tour.institutions.add(*institutions)
    first = tour_slots(people.tour)[0]
    Meeting.objects.bulk_create(
        Meeting(
            request=factories.AcceptedRequestFactory(tandem=t, institution=i),
            tour=people.tour,
            tandem=t,
            institution=i,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
        )
        for t, i in zip(tandems[:40], institutions[:40], strict=True)
    )
    with CaptureQueriesContext(connection) as large:
        response = client.get(grid_url(people.tour))
    assert response.context["page"].paginator.count == 600
    assert len(response.context["columns"]) == GRID_COLUMNS
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
    html = response.content.decode()
    start = html.index('<table class="meeting-grid">')
    head = html[start : html.index("</thead>", start)]
    assert head.count('<th scope="col"') == GRID_COLUMNS + 2
    # Only those meeting that day, institutions only, page 2.
    response = client.get(
        grid_url(people.tour), {"busy": "on", "group": "institutions", "page": "2"}
    )
    columns = response.context["columns"]
    assert response.context["page"].paginator.count == 41 and len(columns) == GRID_COLUMNS
    assert all(not c.is_tandem for c in columns)
    assert [c.name for c in columns][:2] == ["Institution 019", "Institution 020"]
    # One party by name, in any language the search knows.
    response = client.get(grid_url(people.tour), {"name": "cardio"})
    assert [c.name for c in response.context["columns"]] == ["CardioSense"]
    assert response.context["rows"][0][1][0].text == "BGI Group"


@pytest.mark.parametrize(
    "params", [{"page": "x"}, {"page": "999"}, {"group": "mars"}, {"name": "x" * 500}]
)
def test_bad_grid_filters_fall_back_to_their_defaults(client, people, params):
    client.force_login(people.otto)
    response = client.get(grid_url(people.tour), params)
    assert response.status_code == 200 and response.context["columns"] is not None


def test_the_move_form_starts_on_the_day_being_viewed(client, people):
    client.force_login(people.otto)
    response = client.get(grid_url(people.tour), {"day": "1"})
    slot = response.context["form"].fields["slot"]
    assert slot.initial == [s.id for s in tour_slots(people.tour) if s.day == 1][0]
    assert f'value="{slot.initial}" selected' in response.content.decode()


# --- "Cancel the selected meetings" asks for a reason first ------------------------------


def cancel_action(client, meetings, **extra):
    return client.post(
        reverse("admin:matchmaking_meeting_changelist"),
        {"action": "cancel", "_selected_action": [m.pk for m in meetings], **extra},
    )


def test_cancelling_meetings_in_the_admin_asks_for_a_reason_which_reaches_both_sides(
    client, people, busy_day, deliver
):
    other = scheduled(people, people.other_tandem, people.other_institution)
    client.force_login(people.otto)
    page = cancel_action(client, [busy_day, other])
    assert page.status_code == 200
    html = page.content.decode()
    assert "CardioSense ↔ BGI Group" in html and "LungScan ↔ InferVision" in html
    assert 'name="reason"' in html
    assert Meeting.objects.filter(status="scheduled").count() == 2
    # Confirming without a reason is refused, nothing changes.
    refused = cancel_action(client, [busy_day, other], confirm="1", reason="  ")
    assert refused.status_code == 400 and refused.context["form"].errors
    assert Meeting.objects.filter(status="scheduled").count() == 2

    reason = "The delegation cannot travel that week."
    done = cancel_action(client, [busy_day, other], confirm="1", reason=reason)
    assert done.status_code == 302
    assert set(Meeting.objects.values_list("status", flat=True)) == {"cancelled"}
    entry = ActivityLog.objects.about(busy_day).get(action="cancel")
    assert entry.data["note"] == reason and entry.actor == people.otto
    cancelled = OutboxMessage.objects.filter(kind="meeting_cancelled")
    assert set(cancelled.values_list("email", flat=True)) == {
        "alice@tandem.example",
        "anton@tandem.example",
        "bob@tandem.example",
        "chen@partner.example",
        "olga@partner.example",
    }
    sent = deliver()
    for address in ("alice@tandem.example", "chen@partner.example"):
        [message] = [m for m in sent if m.to == [address] and reason in m.body]
        assert reason in message.alternatives[0][0]


def test_only_organisers_cancel_meetings_in_the_admin(client, people, busy_day):
    client.force_login(factories.UserFactory(is_staff=True))
    response = cancel_action(client, [busy_day], confirm="1", reason="no")
    assert response.status_code == 403
    client.force_login(people.chen)
    response = cancel_action(client, [busy_day], confirm="1", reason="no")
    assert response.status_code == 302 and "login" in response["Location"]
    busy_day.refresh_from_db()
    assert busy_day.status == "scheduled"


def test_a_tour_without_days_shows_an_empty_grid_whatever_the_filter(client, people):
    people.tour.days.all().delete()
    client.force_login(people.otto)
    response = client.get(grid_url(people.tour), {"busy": "on"})
    assert response.status_code == 200 and response.context["columns"] == []
