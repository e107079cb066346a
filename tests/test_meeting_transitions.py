from datetime import timedelta

import pytest
from django.utils import timezone

from matchmaking.enums import MeetingStatus, RequestStatus
from matchmaking.models import ActivityLog, Meeting
from matchmaking.services import DomainError
from matchmaking.services import meetings as services
from matchmaking.services.requests import accept_request

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=request)
    return Meeting.objects.get(request=request)


@pytest.mark.parametrize("person", ["alice", "chen", "otto"])
def test_either_side_or_an_organiser_cancels(people, meeting, person):
    services.cancel_meeting(actor=getattr(people, person), meeting=meeting, reason="Ill")
    meeting.refresh_from_db()
    meeting.request.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.request.status == RequestStatus.CANCELLED
    assert meeting.sequence == 1
    entry = ActivityLog.objects.about(meeting).get(action="cancel")
    assert entry.data["status"] == {"from": "scheduled", "to": "cancelled"}


@pytest.mark.parametrize("person", ["bob", "olga"])
def test_outsiders_cannot_cancel(people, meeting, person):
    with pytest.raises(DomainError):
        services.cancel_meeting(actor=getattr(people, person), meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_only_organisers_move_and_only_to_a_free_slot(people, meeting):
    later = meeting.starts_at + timedelta(minutes=30)
    with pytest.raises(DomainError):
        services.move_meeting(actor=people.chen, meeting=meeting, start=later)
    with pytest.raises(DomainError, match="not one of the tour"):
        services.move_meeting(
            actor=people.otto, meeting=meeting, start=later + timedelta(minutes=5)
        )
    factories.SessionFactory(
        tour=people.tour, starts_at=later, ends_at=later + timedelta(hours=1)
    ).tandems.add(people.tandem)
    with pytest.raises(DomainError, match="tandem is not free"):
        services.move_meeting(actor=people.otto, meeting=meeting, start=later)
    last = people.tour.days.order_by("date").last().window_start
    services.move_meeting(actor=people.otto, meeting=meeting, start=last)
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (last, 1)


def test_held_and_no_show_only_after_the_start_and_only_once(people, meeting):
    with pytest.raises(DomainError, match="after it has started"):
        services.mark_meeting_held(actor=people.otto, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() - timedelta(minutes=30),
    )
    with pytest.raises(DomainError):
        services.mark_meeting_held(actor=people.chen, meeting=meeting)
    services.mark_meeting_held(actor=people.otto, meeting=meeting)
    with pytest.raises(DomainError, match="cannot be marked"):
        services.mark_meeting_no_show(actor=people.otto, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_an_organiser_schedules_an_unscheduled_request(people):
    request = factories.MeetingRequestFactory(
        tandem=people.tandem, institution=people.institution, status=RequestStatus.ACCEPTED
    )
    start = people.tour.days.first().window_start
    with pytest.raises(DomainError):
        services.schedule_meeting(actor=people.alice, request=request, start=start)
    meeting = services.schedule_meeting(actor=people.otto, request=request, start=start)
    assert meeting.video_url.startswith("https://")
    with pytest.raises(DomainError, match="already has a meeting"):
        services.schedule_meeting(actor=people.otto, request=request, start=start)


@pytest.mark.django_db(transaction=True)
def test_placing_a_meeting_waits_while_a_participants_availability_is_being_saved(people):
    """Every transition locks its tour's row (``select_for_update`` of the request with its tour),
    and saving unavailable slots writes rows that reference the tour, so the two are serialised:
    a meeting never lands in a slot that is being marked unavailable at the same moment."""
    import threading
    import time

    from django.db import connection, transaction

    from matchmaking.models import BlockedSlot, Tandem
    from matchmaking.selectors.slots import tour_slots

    first, second = tour_slots(people.tour)[:2]
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    locked = threading.Event()

    def mark_first_slot_unavailable():
        with transaction.atomic():
            list(Tandem.objects.select_for_update().filter(pk=people.tandem.pk))
            BlockedSlot.objects.create(
                tour=people.tour, tandem=people.tandem, starts_at=first.starts_at
            )
            locked.set()
            time.sleep(1)  # the acceptance below starts while this transaction is open
        connection.close()

    other = threading.Thread(target=mark_first_slot_unavailable)
    other.start()
    assert locked.wait(10)
    accept_request(actor=people.chen, request=request)
    other.join()
    assert Meeting.objects.get(request=request).starts_at == second.starts_at
