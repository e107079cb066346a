"""Planning in the background (services/planning.py and the planner's pages): a run per plan,
its status page, one run per tour at a time, stopping, saving in bulk with a constant number
of queries per meeting. The run with a real worker: notifications/test_planning_worker.py."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import MemberRole, PlanningStatus
from matchmaking.models import ActivityLog, Meeting, OutboxMessage, PlanningRun
from matchmaking.services import DomainError
from matchmaking.services.planning import run_planning, start_planning, stop_planning
from matchmaking.services.scheduling import apply_schedule, plan_schedule

from . import factories

pytestmark = pytest.mark.django_db


def schedule_url(tour):
    return reverse("admin:matchmaking_tour_schedule", args=[tour.pk])


def run_url(run):
    return reverse("admin:matchmaking_tour_plan", args=[run.tour_id, run.pk])


@pytest.fixture
def waiting(people):
    return [
        factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.institution),
        factories.AcceptedRequestFactory(
            tandem=people.other_tandem, institution=people.institution
        ),
    ]


def test_in_the_embedded_mode_a_plan_runs_at_once_and_its_page_shows_the_report(
    client, people, waiting, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(people.otto)
    page = client.get(schedule_url(people.tour))
    assert page.status_code == 200 and 'name="time_limit"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(schedule_url(people.tour), {"time_limit": "5"})
    run = PlanningRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_url(run)
    assert run.status == PlanningStatus.DONE and run.requested_by == people.otto
    assert run.started_at and run.finished_at and run.report["fingerprint"]
    assert not Meeting.objects.exists()

    html = client.get(run_url(run)).content.decode()
    assert "Meetings placed: 2 of at most 2" in html and "proven optimal" in html
    assert 'http-equiv="refresh"' not in html and "Confirm and save this schedule" in html
    # The list of recent plans links to it.
    assert run_url(run) in client.get(schedule_url(people.tour)).content.decode()

    response = client.post(run_url(run), {"save": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:matchmaking_tour_grid", args=[people.tour.pk])
    assert Meeting.objects.filter(request__in=waiting).count() == 2
    run.refresh_from_db()
    assert run.saved_by == people.otto and run.saved_at is not None
    assert ActivityLog.objects.about(run).filter(action="save_plan").exists()
    assert {m.email for m in OutboxMessage.objects.filter(kind="meeting_scheduled")} == {
        "alice@tandem.example",
        "anton@tandem.example",
        "bob@tandem.example",
        "chen@partner.example",
    }
    # Saved once only.
    client.post(run_url(run), {"save": "1"})
    assert Meeting.objects.count() == 2
    assert "was saved already" in client.get(run_url(run)).content.decode()


def test_a_plan_that_cannot_be_made_fails_with_its_reason_on_its_page(
    client, people, eager_tasks, django_capture_on_commit_callbacks
):
    people.tour.days.all().delete()
    client.force_login(people.otto)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(schedule_url(people.tour), {"time_limit": "5"})
    run = PlanningRun.objects.get()
    assert run.status == PlanningStatus.FAILED
    assert "no meeting slots" in client.get(run_url(run)).content.decode()


def test_a_plan_started_twice_is_refused_with_a_clear_message_and_nothing_changes(
    client, people, waiting
):
    client.force_login(people.otto)
    first = client.post(schedule_url(people.tour), {"time_limit": "5"})
    assert first.status_code == 302
    run = PlanningRun.objects.get()
    assert run.status == PlanningStatus.QUEUED
    again = client.post(schedule_url(people.tour), {"time_limit": "30", "allow_moves": "on"})
    assert again.status_code == 400
    html = again.content.decode()
    assert "A plan for this tour is already being made" in html and "nothing was started" in html
    assert str(people.otto) in html
    assert list(PlanningRun.objects.values_list("pk", "time_limit")) == [(run.pk, 5.0)]
    assert not Meeting.objects.exists()
    # Another tour may plan meanwhile.
    other = factories.TourFactory()
    assert start_planning(actor=people.otto, tour=other, time_limit=5).status == "queued"


def test_the_database_allows_one_queued_or_running_plan_per_tour(people):
    PlanningRun.objects.create(tour=people.tour, time_limit=5)
    PlanningRun.objects.create(tour=people.tour, time_limit=5, status=PlanningStatus.DONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanningRun.objects.create(tour=people.tour, time_limit=5, status=PlanningStatus.RUNNING)


@pytest.mark.django_db(transaction=True)
def test_two_organisers_starting_at_the_same_moment_get_one_plan(people, monkeypatch):
    # The runs stay queued: this test is about starting them.
    monkeypatch.setattr("matchmaking.services.planning._queue", lambda run_id: None)
    second = factories.OrganiserFactory(email="olivia@innohealth.example")
    barrier = threading.Barrier(2)
    outcomes = []

    def start(organiser):
        try:
            barrier.wait(timeout=10)
            outcomes.append(start_planning(actor=organiser, tour=people.tour, time_limit=5))
        except DomainError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(o,)) for o in (people.otto, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    runs = [o for o in outcomes if isinstance(o, PlanningRun)]
    refusals = [str(o) for o in outcomes if isinstance(o, DomainError)]
    assert len(runs) == 1 and len(refusals) == 1
    assert "already being made" in refusals[0]
    assert PlanningRun.objects.count() == 1


def test_a_queued_plan_is_cancelled_at_once_and_its_task_then_does_nothing(people, waiting):
    run = start_planning(actor=people.otto, tour=people.tour, time_limit=5)
    stop_planning(actor=people.otto, run=run)
    run.refresh_from_db()
    assert run.status == PlanningStatus.CANCELLED and run.finished_at
    assert run_planning(run.pk) == "not queued"
    run.refresh_from_db()
    assert run.status == PlanningStatus.CANCELLED and run.report is None
    with pytest.raises(DomainError, match="no longer running"):
        stop_planning(actor=people.otto, run=run)
    assert ActivityLog.objects.about(run).filter(action="stop_planning").count() == 1
    # A new plan may start now.
    assert start_planning(actor=people.otto, tour=people.tour, time_limit=5).pk != run.pk


def test_a_running_plan_whose_worker_died_is_ended_by_the_next_start(client, people):
    lost = PlanningRun.objects.create(
        tour=people.tour,
        time_limit=5,
        status=PlanningStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    client.force_login(people.otto)
    assert "No sign of the worker" in client.get(run_url(lost)).content.decode()
    run = start_planning(actor=people.otto, tour=people.tour, time_limit=5)
    lost.refresh_from_db()
    assert lost.status == PlanningStatus.FAILED and run.status == PlanningStatus.QUEUED
    assert "worker stopped while planning" in client.get(run_url(lost)).content.decode()


def test_the_planner_is_the_organisers_alone(client, people, waiting):
    run = start_planning(actor=people.otto, tour=people.tour, time_limit=5)
    for person in (people.chen, people.alice):
        client.force_login(person)
        for response in (
            client.get(schedule_url(people.tour)),
            client.post(schedule_url(people.tour), {"time_limit": "5"}),
            client.get(run_url(run)),
            client.post(run_url(run), {"stop": "1"}),
        ):
            assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get(run_url(run)).status_code == 403
    assert client.post(run_url(run), {"stop": "1"}).status_code == 403
    with pytest.raises(DomainError, match="Only organisers"):
        start_planning(actor=people.chen, tour=people.tour, time_limit=5)
    with pytest.raises(DomainError, match="Only organisers"):
        stop_planning(actor=people.alice, run=run)
    # Another tour's address does not show this run.
    client.force_login(people.otto)
    other = factories.TourFactory()
    assert (
        client.get(reverse("admin:matchmaking_tour_plan", args=[other.pk, run.pk])).status_code
        == 404
    )
    run.refresh_from_db()
    assert run.status == PlanningStatus.QUEUED and not run.stop_requested
    assert PlanningRun.objects.count() == 1


@pytest.mark.parametrize(
    "values", [{"time_limit": "0"}, {"time_limit": "601"}, {"time_limit": "x"}]
)
def test_bad_options_are_form_errors(client, people, values):
    client.force_login(people.otto)
    response = client.post(schedule_url(people.tour), values)
    assert response.status_code == 400 and response.context["form"].errors
    assert not PlanningRun.objects.exists()


# --- saving a plan in bulk ---------------------------------------------------------------


def tour_with_waiting_requests(size: int):
    """A tour with ``size`` accepted requests without a meeting, each between a tandem of two
    members and an institution with one representative."""
    tour = factories.TourFactory()
    for _ in range(size):
        tandem = factories.TandemFactory(tour=tour)
        factories.TandemMemberFactory(tandem=tandem, role=MemberRole.RESEARCHER)
        factories.TandemMemberFactory(tandem=tandem, role=MemberRole.ENTREPRENEUR)
        institution = factories.InstitutionFactory(tours=[tour])
        factories.RepresentativeFactory(institution=institution, tour=tour)
        factories.AcceptedRequestFactory(tandem=tandem, institution=institution)
    return tour


def queries_to_apply(organiser, size: int) -> int:
    tour = tour_with_waiting_requests(size)
    plan = plan_schedule(tour=tour, time_limit=5)
    assert len(plan.new) == size
    with CaptureQueriesContext(connection) as queries:
        apply_schedule(actor=organiser, plan=plan)
    assert Meeting.objects.filter(tour=tour).count() == size
    assert (
        OutboxMessage.objects.filter(kind="meeting_scheduled", context__tour_id=tour.pk).count()
        == 3 * size
    )
    assert ActivityLog.objects.filter(action="schedule").count() >= size
    return len(queries)


def test_saving_a_plan_takes_a_constant_number_of_queries_per_meeting(people):
    few, many = queries_to_apply(people.otto, 10), queries_to_apply(people.otto, 40)
    # Today: 34 for 10 meetings and 33 for 40 (the 40 find the content types cached).
    per_meeting = (many - few) / 30
    assert per_meeting <= 1, (few, many)
    assert many <= 60, many


def test_a_plan_that_would_double_book_is_refused_and_nothing_is_saved(people, waiting):
    plan = plan_schedule(tour=people.tour, time_limit=5)
    first, second = plan.new
    # Both BGI Group meetings in one slot: refused before the database would.
    forged = replace(
        plan, new=(first, replace(second, starts_at=first.starts_at, ends_at=first.ends_at))
    )
    with pytest.raises(DomainError, match="cannot meet at .* one side is busy then"):
        apply_schedule(actor=people.otto, plan=forged)
    assert not Meeting.objects.exists() and not OutboxMessage.objects.exists()
