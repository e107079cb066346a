"""Reminders before meetings and sessions, nudges and expiry of unanswered requests: from rows,
never for cancelled items, never twice."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import formats, translation

from matchmaking.enums import Direction, RequestStatus
from matchmaking.models import Meeting, MeetingRequest, OutboxMessage, OutboxStatus
from matchmaking.services import meetings as meeting_services
from matchmaking.services import outbox, reminders
from matchmaking.services import requests as request_services
from matchmaking.services import sessions as session_services

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    request_services.accept_request(actor=people.chen, request=request)
    return Meeting.objects.get(request=request)


def reminder_rows(kind="meeting_reminder"):
    return OutboxMessage.objects.filter(kind=kind)


def test_24_hours_and_15_minutes_before_a_meeting_each_person_is_reminded_once(people, meeting):
    assert reminders.queue_due_reminders(meeting.starts_at - timedelta(hours=25)) == 0
    day_before = meeting.starts_at - timedelta(hours=23)
    assert reminders.queue_due_reminders(day_before) == 3
    assert reminders.queue_due_reminders(day_before + timedelta(minutes=1)) == 0
    assert {r.context["lead"] for r in reminder_rows()} == {"24h"}
    soon = meeting.starts_at - timedelta(minutes=10)
    assert reminders.queue_due_reminders(soon) == 3
    assert reminders.queue_due_reminders(soon + timedelta(minutes=1)) == 0
    assert (
        sorted(reminder_rows().values_list("context__lead", flat=True))
        == ["15min"] * 3 + ["24h"] * 3
    )


def test_no_reminder_for_a_cancelled_meeting_and_a_queued_one_is_skipped(people, meeting):
    reminders.queue_due_reminders(meeting.starts_at - timedelta(hours=2))
    row = reminder_rows().first()
    meeting_services.cancel_meeting(actor=people.otto, meeting=meeting)
    assert outbox.send_message(row.pk) == "skipped"
    assert reminders.queue_due_reminders(meeting.starts_at - timedelta(minutes=5)) == 0
    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED


def test_a_moved_meeting_is_reminded_again_for_its_new_time(people, meeting):
    reminders.queue_due_reminders(meeting.starts_at - timedelta(hours=2))
    old_row = reminder_rows().first()
    later = meeting.starts_at + timedelta(minutes=30)
    meeting_services.move_meeting(actor=people.otto, meeting=meeting, start=later)
    assert outbox.send_message(old_row.pk) == "skipped"  # it names the old time
    assert reminders.queue_due_reminders(later - timedelta(hours=2)) == 3


def test_sessions_are_reminded_to_their_participants_unless_withdrawn(people):
    session = factories.SessionFactory(tour=people.tour)
    session.tandems.add(people.tandem)
    session.institutions.add(people.other_institution)
    assert reminders.queue_due_reminders(session.starts_at - timedelta(hours=3)) == 3
    assert sorted(reminder_rows("session_reminder").values_list("email", flat=True)) == [
        "alice@tandem.example",
        "anton@tandem.example",
        "olga@partner.example",
    ]
    session_services.cancel_session(actor=people.otto, session=session)
    assert reminders.queue_due_reminders(session.starts_at - timedelta(minutes=5)) == 0


def ask(people, preferred=()):
    return request_services.request_meeting(
        actor=people.alice,
        tandem=people.tandem,
        institution=people.institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="Hello",
        preferred_starts=preferred,
    )


def test_an_unanswered_request_nudges_the_receiving_side_once_then_expires(people):
    first_slot = people.tour.days.order_by("date").first().window_start
    request = ask(people, preferred=[first_slot])
    created = request.created_at
    assert reminders.nudge_and_expire_requests(created + timedelta(hours=47)) == {
        "nudged": 0,
        "expired": 0,
    }
    assert reminders.nudge_and_expire_requests(created + timedelta(hours=49))["nudged"] == 1
    assert reminders.nudge_and_expire_requests(created + timedelta(hours=50))["nudged"] == 0
    assert list(reminder_rows("request_nudge").values_list("email", flat=True)) == [
        "chen@partner.example"
    ]
    expiry = created + timedelta(days=people.tour.request_expiry_days, minutes=1)
    assert reminders.nudge_and_expire_requests(expiry)["expired"] == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert sorted(reminder_rows("request_expired").values_list("email", flat=True)) == [
        "alice@tandem.example",
        "anton@tandem.example",
        "chen@partner.example",
    ]
    # The slot it asked for binds nobody: another tandem gets a meeting exactly there.
    other = factories.MeetingRequestFactory(
        tandem=people.other_tandem, institution=people.institution
    )
    request_services.accept_request(actor=people.chen, request=other, start=first_slot)
    assert Meeting.objects.get(request=other).starts_at == first_slot
    # A nudge queued before an answer is not sent after it.
    answered = ask(people)
    MeetingRequest.objects.filter(pk=answered.pk).update(created_at=created)
    reminders.nudge_and_expire_requests(created + timedelta(hours=49))
    nudge = reminder_rows("request_nudge").get(context__request_id=answered.pk)
    request_services.decline_request(actor=people.chen, request=answered)
    assert outbox.send_message(nudge.pk) == "skipped"


def test_the_nudge_says_since_when_the_request_waits_in_the_readers_zone(people, deliver):
    people.chen.language = "en"
    people.chen.time_zone = "Asia/Shanghai"
    people.chen.save()
    request = ask(people)
    # Late evening in Berlin is already the next morning in Shanghai.
    since = datetime(2026, 11, 10, 21, 0, tzinfo=UTC)
    MeetingRequest.objects.filter(pk=request.pk).update(turn_since=since)
    reminders.nudge_and_expire_requests(since + timedelta(hours=49))
    [sent] = [m for m in deliver() if "Waiting for your answer" in m.subject]
    with translation.override("en"):
        shanghai = formats.date_format(date(2026, 11, 11), "DATE_FORMAT")
    assert f"has been waiting for your answer since {shanghai}." in sent.body
    assert "two days" not in sent.body
