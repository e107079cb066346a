import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone, translation

from matchmaking.enums import MeetingStatus, RequestStatus
from matchmaking.models import ActivityLog, BlockedSlot, Meeting, Tandem, Tour
from matchmaking.selectors.slots import tour_slots
from matchmaking.services import DomainError
from matchmaking.services import meetings as services
from matchmaking.services.calendars import lock_calendars
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


def test_a_side_cannot_cancel_a_meeting_that_has_begun_but_an_organiser_can(people, meeting):
    begun = timezone.now() - timedelta(minutes=5)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=begun, ends_at=begun + timedelta(minutes=30)
    )
    with pytest.raises(DomainError, match="has begun"):
        services.cancel_meeting(actor=people.alice, meeting=meeting, reason="Late")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    services.cancel_meeting(actor=people.otto, meeting=meeting, reason="Nobody came")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


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
    with pytest.raises(DomainError, match="is held and cannot be marked as a no-show"):
        services.mark_meeting_no_show(actor=people.otto, meeting=meeting)
    # Each language words the whole refusal itself; the status is not a lower-cased label.
    with translation.override("de"), pytest.raises(DomainError) as refused:
        services.mark_meeting_no_show(actor=people.otto, meeting=meeting)
    assert str(refused.value) == (
        "Dieses Treffen ist als stattgefunden vermerkt und kann nicht als nicht wahrgenommen "
        "markiert werden."
    )
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


@contextmanager
def held_open(lock, seconds: float = 1.0):
    """Run ``lock`` in a transaction of another connection and keep it open for ``seconds``."""
    from django.db import connection, transaction

    locked = threading.Event()

    def hold():
        with transaction.atomic():
            lock()
            locked.set()
            time.sleep(seconds)
        connection.close()

    other = threading.Thread(target=hold)
    other.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        other.join()


def quick_lock_timeout():
    """Inside the caller's transaction: a lock not granted within 0.3 s is an error."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '300ms'")


@pytest.mark.django_db(transaction=True)
def test_placing_a_meeting_waits_while_a_participants_availability_is_being_saved(people):
    """A placement locks the rows of its two parties (services/calendars.py) and saving
    unavailable slots locks its party's row, so the two take turns: a meeting never lands in a
    slot that is being marked unavailable at the same moment."""
    first, second = tour_slots(people.tour)[:2]
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)

    def mark_first_slot_unavailable():
        list(Tandem.objects.select_for_update().filter(pk=people.tandem.pk))
        BlockedSlot.objects.create(
            tour=people.tour, tandem=people.tandem, starts_at=first.starts_at
        )

    with held_open(mark_first_slot_unavailable):
        accept_request(actor=people.chen, request=request)
    assert Meeting.objects.get(request=request).starts_at == second.starts_at


@pytest.mark.django_db(transaction=True)
def test_answers_for_other_parties_of_the_same_tour_do_not_wait_for_each_other(people):
    request = factories.MeetingRequestFactory(
        tandem=people.other_tandem, institution=people.other_institution
    )

    def answering_for_the_first_pair():
        lock_calendars(
            people.tour.pk, tandem_ids=[people.tandem.pk], institution_ids=[people.institution.pk]
        )

    with held_open(answering_for_the_first_pair), transaction.atomic():
        quick_lock_timeout()
        accept_request(actor=people.olga, request=request)
    assert Meeting.objects.filter(request=request).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shared", ["tandem", "institution"])
def test_an_answer_waits_for_another_one_of_the_same_party(people, shared):
    """So the second sees the first one's meeting and never picks the same slot."""
    tandem = people.tandem if shared == "tandem" else people.other_tandem
    institution = people.institution if shared == "institution" else people.other_institution
    request = factories.MeetingRequestFactory(tandem=tandem, institution=institution)

    def answering_for_the_first_pair():
        lock_calendars(
            people.tour.pk, tandem_ids=[people.tandem.pk], institution_ids=[people.institution.pk]
        )

    with held_open(answering_for_the_first_pair), transaction.atomic():
        quick_lock_timeout()
        with pytest.raises(OperationalError, match="lock timeout"):
            accept_request(
                actor=people.chen if shared == "institution" else people.olga, request=request
            )


@pytest.mark.django_db(transaction=True)
def test_an_answer_waits_while_the_whole_tour_is_being_changed(people):
    """Applying a batch schedule or publishing a session locks the tour row; answers wait."""
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)

    def applying_a_schedule():
        list(Tour.objects.select_for_update().filter(pk=people.tour.pk))

    with held_open(applying_a_schedule), transaction.atomic():
        quick_lock_timeout()
        with pytest.raises(OperationalError, match="lock timeout"):
            accept_request(actor=people.chen, request=request)


@pytest.mark.django_db(transaction=True)
def test_many_answers_at_the_same_moment_book_nobody_twice(people):
    """Eight representatives accept at once (real PostgreSQL, one connection each): four
    tandems are each asked by two institutions, so two answers compete for the tandem's
    earliest slot every time. Each answer gets its own slot; no tandem and no institution is
    in two meetings at once."""
    from django.db import connection

    tandems = [factories.TandemFactory(tour=people.tour) for _ in range(4)]
    answers = []
    for k in range(8):
        institution = factories.InstitutionFactory(tours=[people.tour])
        representative = factories.RepresentativeFactory(institution=institution).user
        request = factories.MeetingRequestFactory(tandem=tandems[k % 4], institution=institution)
        answers.append((representative, request))
    start, errors = threading.Barrier(len(answers)), []

    def answer(representative, request):
        try:
            start.wait(10)
            accept_request(actor=representative, request=request)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=pair) for pair in answers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    meetings = list(Meeting.objects.filter(request__in=[r for _rep, r in answers]))
    assert len(meetings) == len(answers)
    for party in ("tandem_id", "institution_id"):
        taken = [(getattr(m, party), m.starts_at) for m in meetings]
        assert len(taken) == len(set(taken)), party
    # The two answers for one tandem took its first two slots, one each.
    first_two = {s.starts_at for s in tour_slots(people.tour)[:2]}
    for tandem in tandems:
        assert {m.starts_at for m in meetings if m.tandem_id == tandem.pk} == first_two
