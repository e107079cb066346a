"""The organisers' batch scheduling: plan (read only) and apply (all or nothing)."""

from collections import defaultdict
from datetime import timedelta

import pytest

from matchmaking.enums import MeetingStatus, RequestStatus
from matchmaking.models import ActivityLog, BlockedSlot, Meeting, MeetingRequest, OutboxMessage
from matchmaking.scheduling import Reason
from matchmaking.selectors.slots import tour_slots
from matchmaking.services import DomainError
from matchmaking.services.requests import accept_request
from matchmaking.services.scheduling import SchedulePlan, apply_schedule, plan_schedule

from . import factories

pytestmark = pytest.mark.django_db


def block_all_but(tour, slots_kept, **party):
    starts = {s.starts_at for s in slots_kept}
    BlockedSlot.objects.bulk_create(
        BlockedSlot(tour=tour, starts_at=s.starts_at, **party)
        for s in tour_slots(tour)
        if s.starts_at not in starts
    )


def assert_nobody_double_booked(tour):
    seen = defaultdict(list)
    for meeting in Meeting.objects.filter(tour=tour, status=MeetingStatus.SCHEDULED):
        assert meeting.request.status == RequestStatus.ACCEPTED
        for key in (("t", meeting.tandem_id), ("i", meeting.institution_id)):
            for start, end in seen[key]:
                assert not (start < meeting.ends_at and end > meeting.starts_at), meeting
            seen[key].append((meeting.starts_at, meeting.ends_at))


def test_the_plan_reports_placed_unplaced_counts_and_saves_nothing(people):
    tour = people.tour
    scheduled = factories.MeetingRequestFactory(
        tandem=people.tandem, institution=people.institution
    )
    accept_request(actor=people.chen, request=scheduled)
    first = Meeting.objects.get(request=scheduled)
    waiting = factories.AcceptedRequestFactory(
        tandem=people.other_tandem, institution=people.institution
    )
    hopeless = factories.AcceptedRequestFactory(
        tandem=people.tandem, institution=people.other_institution
    )
    block_all_but(tour, [], institution=people.other_institution)
    meetings_before = list(Meeting.objects.values_list("pk", "starts_at"))

    plan = plan_schedule(tour=tour, time_limit=5)

    assert plan.kept == 1 and plan.moves == ()
    assert [m.request_id for m in plan.new] == [waiting.pk]
    # BGI Group meets both tandems, so the new meeting cannot share the kept one's slot.
    assert plan.new[0].starts_at != first.starts_at
    assert [(u.request_id, u.reason) for u in plan.unplaced] == [
        (hopeless.pk, Reason.PARTICIPANT_UNAVAILABLE.value)
    ]
    assert "no free slot" in plan.unplaced[0].explanation
    assert plan.placed == 2 and plan.upper_bound == 2 and plan.optimal
    counts = {row.name: row.meetings for row in plan.per_participant}
    assert counts == {"CardioSense": 1, "LungScan": 1, "BGI Group": 2, "InferVision": 0}
    assert any("InferVision has no free slot at all" in w for w in plan.warnings)
    assert list(Meeting.objects.values_list("pk", "starts_at")) == meetings_before


def test_apply_places_every_planned_meeting_without_double_booking(people):
    tour = people.tour
    tandems = [people.tandem, people.other_tandem] + [
        factories.TandemFactory(tour=tour) for _ in range(3)
    ]
    institutions = [people.institution, people.other_institution] + [
        factories.InstitutionFactory(tours=[tour]) for _ in range(3)
    ]
    slots = tour_slots(tour)
    # Every institution can only meet in the first three slots: contention for the optimiser.
    for institution in institutions:
        block_all_but(tour, slots[:3], institution=institution)
    requests = [
        factories.AcceptedRequestFactory(tandem=t, institution=i)
        for t in tandems
        for i in institutions
    ]

    plan = plan_schedule(tour=tour, time_limit=5)
    assert plan.placed == 15 and len(plan.unplaced) == 10
    assert {u.reason for u in plan.unplaced} == {Reason.COMMON_SLOTS_TAKEN.value}

    apply_schedule(actor=people.otto, plan=plan)

    assert Meeting.objects.filter(tour=tour).count() == 15
    assert_nobody_double_booked(tour)
    for planned in plan.new:
        assert Meeting.objects.get(request_id=planned.request_id).starts_at == planned.starts_at
    assert ActivityLog.objects.filter(action="schedule").count() == 15
    left = MeetingRequest.objects.filter(pk__in=[r.pk for r in requests], meeting__isnull=True)
    assert {r.unscheduled_reason for r in left} == {Reason.COMMON_SLOTS_TAKEN.value}


def test_moves_only_when_allowed_and_then_saved_logged_and_notified(people):
    tour = people.tour
    slots = tour_slots(tour)
    booked = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=booked)
    meeting = Meeting.objects.get(request=booked)
    assert meeting.starts_at == slots[0].starts_at
    # InferVision can only meet in the slot the existing meeting holds.
    block_all_but(tour, slots[:1], institution=people.other_institution)
    waiting = factories.AcceptedRequestFactory(
        tandem=people.tandem, institution=people.other_institution
    )

    fixed = plan_schedule(tour=tour, time_limit=5)
    assert fixed.moves == () and fixed.new == ()
    assert fixed.unplaced[0].reason == Reason.COMMON_SLOTS_TAKEN.value

    plan = plan_schedule(tour=tour, time_limit=5, allow_moves=True)
    assert [m.request_id for m in plan.moves] == [booked.pk]
    assert plan.moves[0].previous_start == slots[0].starts_at
    assert [(m.request_id, m.starts_at) for m in plan.new] == [(waiting.pk, slots[0].starts_at)]

    apply_schedule(actor=people.otto, plan=SchedulePlan.from_dict(plan.to_dict()))

    meeting.refresh_from_db()
    assert meeting.starts_at == plan.moves[0].starts_at and meeting.sequence == 1
    assert Meeting.objects.get(request=waiting).starts_at == slots[0].starts_at
    assert ActivityLog.objects.about(meeting).get(action="move").data["starts_at"] == {
        "from": slots[0].starts_at.isoformat().replace("+00:00", "Z"),
        "to": meeting.starts_at.isoformat().replace("+00:00", "Z"),
    }
    assert_nobody_double_booked(tour)
    # Both changes are notified through the outbox, as for a change made by hand; the move
    # names the time the meeting really had before.
    moved = OutboxMessage.objects.filter(kind="meeting_moved", email="alice@tandem.example").get()
    assert moved.context["previous_starts_at"] == slots[0].starts_at.isoformat()
    assert OutboxMessage.objects.filter(
        kind="meeting_scheduled", email="olga@partner.example"
    ).exists()


@pytest.mark.parametrize(
    "change",
    ["new_acceptance", "blocked_slot", "session", "meeting_cancelled"],
)
def test_apply_refuses_a_plan_whose_inputs_changed(people, change):
    tour = people.tour
    booked = factories.MeetingRequestFactory(
        tandem=people.other_tandem, institution=people.institution
    )
    accept_request(actor=people.chen, request=booked)
    factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.institution)
    plan = plan_schedule(tour=tour, time_limit=5)
    assert len(plan.new) == 1
    if change == "new_acceptance":
        factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.other_institution)
    elif change == "blocked_slot":
        BlockedSlot.objects.create(tour=tour, tandem=people.tandem, starts_at=plan.new[0].starts_at)
    elif change == "session":
        factories.SessionFactory(
            tour=tour,
            starts_at=plan.new[0].starts_at,
            ends_at=plan.new[0].ends_at + timedelta(hours=1),
        ).tandems.add(people.tandem)
    else:
        from matchmaking.services.meetings import cancel_meeting

        cancel_meeting(actor=people.otto, meeting=booked.meeting)
    meetings = Meeting.objects.count()

    with pytest.raises(DomainError, match="changed since this plan was made"):
        apply_schedule(actor=people.otto, plan=plan)
    assert Meeting.objects.count() == meetings


@pytest.mark.parametrize("person", ["alice", "chen"])
def test_only_organisers_apply(people, person):
    factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.institution)
    plan = plan_schedule(tour=people.tour, time_limit=5)
    with pytest.raises(DomainError, match="Only organisers"):
        apply_schedule(actor=getattr(people, person), plan=plan)
    assert not Meeting.objects.exists()


def test_a_garbled_plan_is_refused_with_a_message(people):
    factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.institution)
    data = plan_schedule(tour=people.tour, time_limit=5).to_dict()
    with pytest.raises(DomainError, match="could not be read"):
        SchedulePlan.from_dict({**data, "new": [{"request_id": 1}]})
    with pytest.raises(DomainError, match="could not be read"):
        SchedulePlan.from_dict({"nonsense": True})


def test_a_tour_without_slots_cannot_be_planned(people):
    people.tour.days.all().delete()
    with pytest.raises(DomainError, match="no meeting slots"):
        plan_schedule(tour=people.tour, time_limit=5)
    with pytest.raises(DomainError, match="time limit"):
        plan_schedule(tour=people.tour, time_limit=0)
