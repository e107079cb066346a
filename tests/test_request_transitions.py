"""Every transition of a meeting request: allowed from the right state by the right side,
refused otherwise, and each accepted change leaves exactly one entry in the activity log."""

import pytest

from matchmaking.enums import Direction, RequestStatus
from matchmaking.models import ActivityLog, Meeting, MeetingRequest
from matchmaking.services import DomainError
from matchmaking.services import requests as services

from . import factories

pytestmark = pytest.mark.django_db

ALL_STATES = list(RequestStatus.values)


def make_request(people, status=RequestStatus.PENDING, direction=Direction.TANDEM_TO_INSTITUTION):
    return factories.MeetingRequestFactory(
        tandem=people.tandem, institution=people.institution, status=status, direction=direction
    )


ACTIONS = {
    "accept": lambda actor, r: services.accept_request(actor=actor, request=r),
    "decline": lambda actor, r: services.decline_request(actor=actor, request=r, reason="No time"),
    "withdraw": lambda actor, r: services.withdraw_request(actor=actor, request=r),
    "cancel": lambda actor, r: services.cancel_request(actor=actor, request=r),
}
TARGET = {
    "accept": RequestStatus.ACCEPTED,
    "decline": RequestStatus.DECLINED,
    "withdraw": RequestStatus.WITHDRAWN,
    "cancel": RequestStatus.CANCELLED,
}
# Who may act on a request the tandem sent to the institution, from which states.
ALLOWED = {
    "accept": ({"chen", "otto"}, {RequestStatus.PENDING}),
    "decline": ({"chen", "otto"}, {RequestStatus.PENDING}),
    "withdraw": ({"alice", "anton", "otto"}, {RequestStatus.PENDING}),
    "cancel": (
        {"alice", "anton", "chen", "otto"},
        {RequestStatus.PENDING, RequestStatus.ACCEPTED},
    ),
}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("person", ["alice", "anton", "bob", "chen", "olga", "otto"])
def test_transition_table(people, state, action, person):
    request = make_request(people, status=state)
    actor = getattr(people, person)
    who, states = ALLOWED[action]
    entries_before = ActivityLog.objects.about(request).count()
    if person in who and state in states:
        ACTIONS[action](actor, request)
        request.refresh_from_db()
        assert request.status == TARGET[action]
        entry = ActivityLog.objects.about(request).get(data__status__to=TARGET[action])
        assert entry.data["status"] == {"from": state, "to": TARGET[action]}
        assert entry.actor == actor
    else:
        with pytest.raises(DomainError):
            ACTIONS[action](actor, request)
        request.refresh_from_db()
        assert request.status == state
        assert ActivityLog.objects.about(request).count() == entries_before


def test_a_request_from_the_institution_is_accepted_by_the_tandem(people):
    request = make_request(people, direction=Direction.INSTITUTION_TO_TANDEM)
    with pytest.raises(DomainError):
        services.accept_request(actor=people.chen, request=request)
    services.accept_request(actor=people.anton, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_accepting_places_the_meeting_in_the_earliest_free_slot(people):
    request = make_request(people)
    services.accept_request(actor=people.chen, request=request)
    meeting = Meeting.objects.get(request=request)
    assert meeting.starts_at == people.tour.days.order_by("date").first().window_start
    assert ActivityLog.objects.about(meeting).get(action="schedule").data["status"] == {
        "from": None,
        "to": "scheduled",
    }


def test_accepting_at_a_taken_time_changes_nothing(people):
    start = people.tour.days.order_by("date").first().window_start
    first = factories.MeetingRequestFactory(
        tandem=people.other_tandem, institution=people.institution
    )
    services.accept_request(actor=people.chen, request=first, start=start)
    request = make_request(people)
    with pytest.raises(DomainError, match="institution is not free"):
        services.accept_request(actor=people.chen, request=request, start=start)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not Meeting.objects.filter(request=request).exists()


def test_request_meeting_checks_its_input(people):
    def ask(**overrides):
        arguments = {
            "actor": people.alice,
            "tandem": people.tandem,
            "institution": people.institution,
            "direction": Direction.TANDEM_TO_INSTITUTION,
            "message": "Hello",
        } | overrides
        return services.request_meeting(**arguments)

    with pytest.raises(DomainError, match="short message"):
        ask(message="   ")
    with pytest.raises(DomainError, match="too long"):
        ask(message="x" * 2001)
    with pytest.raises(DomainError, match="cannot do this"):
        ask(actor=people.bob)
    with pytest.raises(DomainError, match="cannot do this"):
        ask(actor=people.chen)
    elsewhere = factories.InstitutionFactory()
    with pytest.raises(DomainError, match="does not take part"):
        ask(institution=elsewhere)
    start = people.tour.days.first().window_start
    with pytest.raises(DomainError, match="not one of the tour"):
        ask(preferred_starts=[start.replace(minute=7)])
    request = ask(preferred_starts=[start])
    assert [p.starts_at for p in request.preferred_slots.all()] == [start]
    with pytest.raises(DomainError, match="already an open meeting request"):
        ask()
    assert MeetingRequest.objects.count() == 1
    assert ActivityLog.objects.filter(action="request").count() == 1


def test_a_proposed_time_is_confirmed_by_the_requester(people):
    request = make_request(people)
    start = people.tour.days.order_by("date").last().window_start
    with pytest.raises(DomainError):
        services.propose_time(actor=people.alice, request=request, start=start)
    services.propose_time(actor=people.chen, request=request, start=start)
    with pytest.raises(DomainError):
        services.confirm_proposed_time(actor=people.chen, request=request)
    services.confirm_proposed_time(actor=people.anton, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.meeting.starts_at == start


def test_the_requester_may_decline_a_proposed_time(people):
    request = make_request(people)
    with pytest.raises(DomainError):
        services.decline_request(actor=people.alice, request=request)
    services.propose_time(
        actor=people.chen, request=request, start=people.tour.days.first().window_start
    )
    services.decline_request(actor=people.alice, request=request, reason="That day is full")
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == (RequestStatus.DECLINED, "That day is full")


def test_expiry_only_after_the_tours_period(people):
    from datetime import timedelta

    request = make_request(people)
    with pytest.raises(DomainError):
        services.expire_request(request=request)
    services.expire_request(request=request, now=request.created_at + timedelta(days=7))
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    entry = ActivityLog.objects.about(request).get(action="expire")
    assert entry.actor is None and entry.who == "system"


def test_no_slot_leaves_the_request_accepted_with_a_reason(people):
    from matchmaking.models import BlockedSlot
    from matchmaking.selectors.slots import tour_slots

    for slot in tour_slots(people.tour):
        BlockedSlot.objects.create(tour=people.tour, tandem=people.tandem, starts_at=slot.starts_at)
    request = make_request(people)
    services.accept_request(actor=people.chen, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.unscheduled_reason
    assert not Meeting.objects.filter(request=request).exists()
