"""Registrations for sessions: places up to the capacity, then a waiting list that moves up by
itself (exactly one party per freed place, also when cancellations come at the same moment),
the e-mails and calendar entries that follow, and refusals that change nothing."""

import threading
from datetime import timedelta

import icalendar
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import LogAction, RegistrationStatus, SessionKind
from matchmaking.models import (
    ActivityLog,
    CalendarFeed,
    Meeting,
    OutboxMessage,
    Registration,
    Session,
)
from matchmaking.selectors.occupancy import occupancy
from matchmaking.services import DomainError
from matchmaking.services import registrations as services
from matchmaking.services.requests import accept_request

from . import factories

pytestmark = pytest.mark.django_db


def roundtable(people, **kwargs) -> Session:
    start = people.tour.days.order_by("date").last().window_start
    values = {
        "tour": people.tour,
        "kind": SessionKind.ROUNDTABLE,
        "title": "German-Chinese roundtable",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "capacity": 2,
        **kwargs,
    }
    return factories.SessionFactory(**values)


def a_tandem(people, n: int):
    tandem = factories.TandemFactory(tour=people.tour, name=f"Tandem {n:02}")
    member = factories.TandemMemberFactory(tandem=tandem, user__email=f"t{n}@tandem.example")
    return tandem, member.user


def snapshot():
    """Everything a refused change must leave as it was."""
    return (
        list(Registration.objects.order_by("pk").values_list("pk", "status")),
        OutboxMessage.objects.count(),
        ActivityLog.objects.count(),
        list(Session.objects.order_by("pk").values_list("pk", "sequence")),
    )


def test_the_kind_decides_unless_the_session_says_otherwise(people):
    assert roundtable(people).takes_registrations
    assert not factories.SessionFactory(
        tour=people.tour, kind=SessionKind.KEYNOTE
    ).takes_registrations
    assert factories.SessionFactory(
        tour=people.tour, kind=SessionKind.KEYNOTE, registration=True
    ).takes_registrations
    closed = roundtable(people, registration=False)
    with pytest.raises(DomainError, match="does not take registrations"):
        services.register_for_session(actor=people.alice, session=closed, tandem=people.tandem)


def test_places_up_to_the_capacity_then_the_waiting_list(people):
    session = roundtable(people, capacity=2)
    first = services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    second = services.register_for_session(
        actor=people.chen, session=session, institution=people.institution
    )
    third = services.register_for_session(
        actor=people.bob, session=session, tandem=people.other_tandem
    )
    assert [r.status for r in (first, second, third)] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    ]
    # A confirmed place keeps the party busy; a place on the waiting list does not.
    occupied = occupancy(people.tour)
    slot = next(s for s in occupied.slots if s.starts_at == session.starts_at)
    assert slot.id in occupied.busy(tandem_id=people.tandem.pk)
    assert slot.id in occupied.busy(institution_id=people.institution.pk)
    assert slot.id not in occupied.busy(tandem_id=people.other_tandem.pk)
    # The tandem's place is one, for both its members, who are both told with the entry.
    confirmed = OutboxMessage.objects.filter(kind="registration_confirmed")
    assert set(confirmed.values_list("email", flat=True)) == {
        people.alice.email,
        people.anton.email,
        people.chen.email,
    }
    assert all(row.ics_method == "REQUEST" for row in confirmed)
    assert not OutboxMessage.objects.filter(recipient=people.bob).exists()


def test_registering_twice_is_refused_and_changes_nothing(people):
    session = roundtable(people)
    services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    before = snapshot()
    # The other member of the same tandem: the tandem is one party.
    with pytest.raises(DomainError, match="CardioSense is already registered"):
        services.register_for_session(actor=people.anton, session=session, tandem=people.tandem)
    assert snapshot() == before


def test_a_second_time_on_the_waiting_list_is_refused_too(people):
    session = roundtable(people, capacity=1)
    services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    services.register_for_session(actor=people.bob, session=session, tandem=people.other_tandem)
    before = snapshot()
    with pytest.raises(DomainError, match="already on the waiting list"):
        services.register_for_session(actor=people.bob, session=session, tandem=people.other_tandem)
    assert snapshot() == before


def test_a_full_session_without_a_waiting_list_refuses_and_changes_nothing(people):
    session = roundtable(people, capacity=1, keeps_waiting_list=False)
    services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    before = snapshot()
    with pytest.raises(DomainError, match="full and keeps no waiting list"):
        services.register_for_session(actor=people.bob, session=session, tandem=people.other_tandem)
    assert snapshot() == before


def test_only_for_ones_own_party_and_only_before_the_start(people):
    session = roundtable(people)
    with pytest.raises(DomainError, match="your own tandem or institution"):
        services.register_for_session(actor=people.bob, session=session, tandem=people.tandem)
    with pytest.raises(DomainError, match="your own tandem or institution"):
        services.register_for_session(actor=people.chen, session=session, tandem=people.tandem)
    registration = services.register_for_session(
        actor=people.alice, session=session, tandem=people.tandem
    )
    with pytest.raises(DomainError, match="your own tandem or institution"):
        services.cancel_registration(actor=people.olga, registration=registration)
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(DomainError, match="already started"):
        services.register_for_session(actor=people.bob, session=session, tandem=people.other_tandem)
    with pytest.raises(DomainError, match="already started"):
        services.cancel_registration(actor=people.anton, registration=registration)
    # Organisers still add and remove people while the session runs.
    services.register_for_session(actor=people.otto, session=session, tandem=people.other_tandem)
    services.cancel_registration(actor=people.otto, registration=registration)


def test_a_cancelled_place_goes_to_the_first_one_waiting_who_is_told(people, deliver):
    session = roundtable(people, capacity=1)
    mine = services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    waiting = services.register_for_session(
        actor=people.chen, session=session, institution=people.institution
    )
    later = services.register_for_session(
        actor=people.bob, session=session, tandem=people.other_tandem
    )
    deliver().clear()
    services.cancel_registration(actor=people.anton, registration=mine)
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {
        mine.pk: RegistrationStatus.CANCELLED,
        waiting.pk: RegistrationStatus.CONFIRMED,
        later.pk: RegistrationStatus.WAITING,
    }
    entry = ActivityLog.objects.about(waiting).get(action=LogAction.MOVE_UP)
    assert entry.actor is None
    sent = {(m.to[0], m.extra_headers["Content-Language"]): m for m in deliver()}
    # The institution moved up: its representative, in Chinese, with the session's entry.
    moved = sent[people.chen.email, "zh-hans"]
    assert "有空位" in moved.subject and "German-Chinese roundtable" in moved.subject
    assert "候补名单" in moved.body
    event = calendar_event(moved)
    assert event["UID"] == f"session-{session.pk}@innohealth-matchmaking"
    assert str(event["STATUS"]) == "CONFIRMED"
    # Both tandem members lose the entry: a CANCEL that outranks their first entry (SEQUENCE
    # 1); the place given to the institution comes after it.
    for person in (people.alice, people.anton):
        cancelled = sent[person.email, "en"]
        assert cancelled.subject.endswith("Registration cancelled: German-Chinese roundtable")
        cancel = calendar_event(cancelled, method="CANCEL")
        assert str(cancel["STATUS"]) == "CANCELLED"
        assert cancel["SEQUENCE"] == 2
    assert event["SEQUENCE"] == 3
    assert people.bob.email not in {to for to, _language in sent}


def calendar_event(message, method="REQUEST"):
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_param("method") == method
    calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
    assert calendar["METHOD"] == method
    return calendar.walk("VEVENT")[0]


def test_the_calendar_feed_follows_the_place(client, people):
    session = roundtable(people, capacity=1)
    mine = services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    services.register_for_session(actor=people.bob, session=session, tandem=people.other_tandem)

    def feed_of(person) -> str:
        client.force_login(person)
        client.post(reverse("calendar_feed_issue"))
        token = CalendarFeed.objects.get(user=person).token
        return client.get(reverse("calendar_feed", args=[token])).content.decode()

    uid = f"session-{session.pk}@innohealth-matchmaking"
    assert uid in feed_of(people.anton)
    assert uid not in feed_of(people.bob)
    services.cancel_registration(actor=people.alice, registration=mine)
    assert uid not in feed_of(people.anton)
    assert uid in feed_of(people.bob)


def test_a_larger_capacity_moves_the_waiting_list_up(people):
    session = roundtable(people, capacity=1)
    services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    waiting = [
        services.register_for_session(actor=person, session=session, tandem=tandem)
        for tandem, person in (a_tandem(people, n) for n in range(3))
    ]
    Session.objects.filter(pk=session.pk).update(capacity=3)
    with pytest.raises(DomainError):
        services.fill_free_places(actor=people.alice, session=session)
    moved = services.fill_free_places(actor=people.otto, session=session)
    assert [r.pk for r in moved] == [waiting[0].pk, waiting[1].pk]
    assert Registration.objects.get(pk=waiting[2].pk).status == RegistrationStatus.WAITING


def test_attendance_only_for_a_place_and_only_once_the_session_started(people):
    session = roundtable(people, capacity=1)
    place = services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    waiting = services.register_for_session(
        actor=people.bob, session=session, tandem=people.other_tandem
    )
    with pytest.raises(DomainError, match="once the session has started"):
        services.mark_attendance(actor=people.otto, registration=place, attended=True)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="Only organisers"):
        services.mark_attendance(actor=people.alice, registration=place, attended=True)
    with pytest.raises(DomainError, match="with a place"):
        services.mark_attendance(actor=people.otto, registration=waiting, attended=True)
    services.mark_attendance(actor=people.otto, registration=place, attended=True)
    place.refresh_from_db()
    assert place.attended is True
    assert ActivityLog.objects.about(place).get(action=LogAction.ATTENDANCE).data == {
        "attended": {"from": None, "to": True}
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_move_exactly_one_party_up_per_freed_place(people):
    """Real PostgreSQL, one connection per thread, all cancelling at the same moment."""
    capacity, cancelling, waiting_count = 6, 4, 6
    session = roundtable(people, capacity=capacity)
    parties = [a_tandem(people, n) for n in range(capacity + waiting_count)]
    registrations = [
        services.register_for_session(actor=person, session=session, tandem=tandem)
        for tandem, person in parties
    ]
    confirmed, waiting = registrations[:capacity], registrations[capacity:]
    assert all(r.status == RegistrationStatus.WAITING for r in waiting)
    start = threading.Barrier(cancelling)
    errors = []

    def cancel(index: int):
        try:
            start.wait()
            services.cancel_registration(actor=parties[index][1], registration=confirmed[index])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(i,)) for i in range(cancelling)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert sum(s == RegistrationStatus.CONFIRMED for s in statuses.values()) == capacity
    # The first ones waiting, in the order they came, and each exactly once.
    assert [statuses[r.pk] for r in waiting] == [RegistrationStatus.CONFIRMED] * cancelling + [
        RegistrationStatus.WAITING
    ] * (waiting_count - cancelling)
    assert ActivityLog.objects.filter(action=LogAction.MOVE_UP).count() == cancelling
    told = OutboxMessage.objects.filter(kind="registration_confirmed", context__moved_up=True)
    assert sorted(told.values_list("email", flat=True)) == sorted(
        parties[capacity + i][1].email for i in range(cancelling)
    )


def test_a_meeting_at_the_same_time_is_a_warning_not_a_refusal(client, people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=request)
    meeting = Meeting.objects.get(request=request)
    session = roundtable(people, starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    client.force_login(people.alice)
    page = client.get(reverse("session_list")).content.decode()
    assert "At this time you have a meeting" in page
    response = client.post(reverse("session_register", args=[session.pk]), follow=True)
    text = response.content.decode()
    assert "You are registered" in text
    assert "At the same time you have a meeting: CardioSense ↔ BGI Group" in text
    assert Registration.objects.get(session=session).status == RegistrationStatus.CONFIRMED


def test_the_portal_pages_register_and_cancel(client, people):
    session = roundtable(people, capacity=1, keeps_waiting_list=True)
    client.force_login(people.chen)
    response = client.post(reverse("session_register", args=[session.pk]), follow=True)
    assert response.status_code == 200
    registration = Registration.objects.get(session=session)
    assert registration.institution == people.institution
    client.force_login(people.alice)
    text = client.post(reverse("session_register", args=[session.pk]), follow=True)
    assert "waiting list, place 1" in text.content.decode()
    # Registering twice from the page: a clear message, nothing changed.
    before = snapshot()
    text = client.post(reverse("session_register", args=[session.pk]), follow=True)
    assert "already on the waiting list" in text.content.decode()
    assert snapshot() == before
    # Opened by address (a login that returned to it): the list, not a 405.
    assert client.get(reverse("session_register", args=[session.pk])).status_code == 302
    client.force_login(people.chen)
    client.post(reverse("registration_cancel", args=[registration.pk]))
    assert Registration.objects.get(tandem=people.tandem).status == RegistrationStatus.CONFIRMED


def test_other_parties_registrations_are_not_found(client, people):
    session = roundtable(people)
    theirs = services.register_for_session(
        actor=people.chen, session=session, institution=people.institution
    )
    for person in (people.alice, people.olga, people.bob):
        client.force_login(person)
        response = client.post(reverse("registration_cancel", args=[theirs.pk]))
        assert response.status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == RegistrationStatus.CONFIRMED
    # A session that takes no registrations, or of another tour, is not found either.
    keynote = factories.SessionFactory(tour=people.tour, kind=SessionKind.KEYNOTE)
    other = roundtable(people, tour=factories.TourFactory())
    for pk in (keynote.pk, other.pk):
        assert client.post(reverse("session_register", args=[pk])).status_code == 404
    # Somebody without a role in any tour is refused the pages.
    client.force_login(factories.UserFactory())
    assert client.get(reverse("session_list")).status_code == 403


def test_organisers_add_remove_and_mark_attendance_in_the_admin(client, people):
    session = roundtable(people, capacity=1)
    client.force_login(people.otto)
    add = reverse("admin:matchmaking_registration_add")
    response = client.post(add, {"session": session.pk, "tandem": people.tandem.pk})
    assert response.status_code == 302
    first = Registration.objects.get(tandem=people.tandem)
    assert first.registered_by == people.otto and first.status == RegistrationStatus.CONFIRMED
    client.post(add, {"session": session.pk, "institution": people.institution.pk})
    # Twice: the service's message on the form, nothing added.
    response = client.post(add, {"session": session.pk, "tandem": people.tandem.pk})
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 2
    page = client.get(reverse("admin:matchmaking_session_change", args=[session.pk]))
    assert "1 of 1 taken, 1 waiting" in page.content.decode()
    changelist = reverse("admin:matchmaking_registration_changelist")
    client.post(changelist, {"action": "remove", "_selected_action": [first.pk]})
    assert Registration.objects.get(institution=people.institution).status == (
        RegistrationStatus.CONFIRMED
    )
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    moved = Registration.objects.get(institution=people.institution)
    response = client.post(
        changelist, {"action": "mark_attended", "_selected_action": [moved.pk]}, follow=True
    )
    assert "1 registration marked as attended" in response.content.decode()
    moved.refresh_from_db()
    assert moved.attended is True


@pytest.mark.parametrize(
    ("language", "heading", "button", "tandem_word"),
    [
        ("en", "Sessions and registrations", "Register", "Your tandem CardioSense"),
        ("de", "Programmpunkte und Anmeldungen", "Anmelden", "Ihr Tandem CardioSense"),
        ("zh-hans", "环节与报名", "报名", "科研-创业组合 CardioSense"),
    ],
)
def test_the_sessions_page_in_three_languages(
    client, people, language, heading, button, tandem_word
):
    roundtable(people)
    people.alice.language = language
    people.alice.save(update_fields=["language"])
    client.force_login(people.alice)
    page = client.get(reverse("session_list")).content.decode()
    assert f'lang="{language}"' in page
    assert heading in page and f">{button}</button>" in page and tandem_word in page


def test_a_party_the_organisers_named_needs_no_place(client, people):
    session = roundtable(people)
    session.tandems.add(people.tandem)
    session.host = people.institution
    session.save(update_fields=["host"])
    before = snapshot()
    with pytest.raises(DomainError, match="already takes part"):
        services.register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    with pytest.raises(DomainError, match="already takes part"):
        services.register_for_session(
            actor=people.chen, session=session, institution=people.institution
        )
    assert snapshot() == before
    client.force_login(people.alice)
    page = client.get(reverse("session_list")).content.decode()
    assert "the organisers have named you" in page
    assert reverse("session_register", args=[session.pk]) not in page
