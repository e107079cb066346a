"""Every admin path that changes a session, a tour's status or a meeting goes through its service:
each leaves its history (ActivityLog rows) and its e-mails (outbox rows with their recipients,
kind, calendar METHOD and SEQUENCE); a refusal is shown as a form error or message and changes
nothing."""

import zoneinfo
from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse

from matchmaking.enums import LogAction, MeetingStatus, TourStatus
from matchmaking.models import ActivityLog, Meeting, OutboxMessage, Session, Tour
from matchmaking.services import DomainError
from matchmaking.services import sessions as session_services
from matchmaking.services.requests import accept_request
from matchmaking.services.tours import change_tour_status

from . import factories
from .notifications.test_messages import admin_form_data

pytestmark = pytest.mark.django_db

TANDEM = {"alice@tandem.example", "anton@tandem.example"}
PARTNER = {"chen@partner.example"}


def history(obj, action):
    return list(ActivityLog.objects.about(obj).filter(action=action))


def mails(kind):
    """kind → {recipient: (METHOD, SEQUENCE)} of the calendar entries written."""
    sent = {}
    for row in OutboxMessage.objects.filter(kind=kind):
        event = icalendar.Calendar.from_ical(row.ics)
        sent[row.email] = (row.ics_method, int(event.walk("VEVENT")[0]["SEQUENCE"]))
    return sent


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def local(moment, person):
    at = moment.astimezone(zoneinfo.ZoneInfo(person.time_zone))
    return f"{at:%Y-%m-%d}", f"{at:%H:%M:%S}"


@pytest.fixture
def meeting(people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=request)
    OutboxMessage.objects.all().delete()  # the e-mails of scheduling are not under test here
    return Meeting.objects.get(request=request)


@pytest.fixture
def session(people):
    """A draft session of the tandem on the last day, away from any meeting."""
    start = people.tour.days.order_by("date").last().window_start
    session = factories.SessionFactory(
        tour=people.tour, starts_at=start, ends_at=start + timedelta(hours=1), is_published=False
    )
    session.tandems.add(people.tandem)
    return session


@pytest.fixture
def organiser(client, people):
    client.force_login(people.otto)
    return client


# --- sessions -------------------------------------------------------------------------------


def test_the_publish_button_publishes_through_the_service(organiser, people, session):
    response = organiser.post(
        reverse("admin:matchmaking_session_publish", args=[session.pk]), follow=True
    )
    assert "is published" in messages_of(response)
    session.refresh_from_db()
    assert (session.is_published, session.sequence) == (True, 1)
    (entry,) = history(session, LogAction.PUBLISH)
    assert entry.actor == people.otto
    assert mails("session_published") == {email: ("REQUEST", 1) for email in TANDEM}


def test_a_publish_refused_is_shown_and_changes_nothing(organiser, people, session, meeting):
    session_services.move_session(
        actor=people.otto, session=session, starts_at=meeting.starts_at, ends_at=meeting.ends_at
    )
    response = organiser.post(
        reverse("admin:matchmaking_session_publish", args=[session.pk]), follow=True
    )
    assert "overlaps meetings" in messages_of(response)
    session.refresh_from_db()
    assert not session.is_published and not history(session, LogAction.PUBLISH)
    assert not OutboxMessage.objects.exists()


def test_the_change_form_cannot_publish_or_withdraw(organiser, people, session):
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    page = organiser.get(url)
    assert "is_published" not in page.context["adminform"].form.fields
    data = {**admin_form_data(page), "is_published": "on", "capacity": 12}
    assert organiser.post(url, data).status_code == 302
    session.refresh_from_db()
    assert (session.is_published, session.capacity) == (False, 12)
    (change,) = history(session, LogAction.CHANGE)
    assert change.data == {"fields": {"capacity": {"from": 50, "to": 12}}}
    assert not OutboxMessage.objects.exists()  # a draft's change tells nobody


def test_moving_a_published_session_in_the_form_tells_everyone_once(organiser, people, session):
    session_services.publish_session(actor=people.otto, session=session)
    OutboxMessage.objects.all().delete()
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    data = admin_form_data(organiser.get(url))
    later = session.starts_at + timedelta(hours=2)
    data["starts_at_0"], data["starts_at_1"] = local(later, people.otto)
    data["ends_at_0"], data["ends_at_1"] = local(later + timedelta(hours=1), people.otto)
    data["title_en"] = "Roundtable, later"
    data["institutions"] = [people.institution.pk]
    # A published session's new time needs a reason; without one nothing changes.
    refused = organiser.post(url, data)
    assert refused.status_code == 200 and "Please give a reason" in refused.content.decode()
    assert not history(session, LogAction.MOVE) and not OutboxMessage.objects.exists()
    data["reason"] = "The minister's visit moved."
    assert organiser.post(url, data).status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (later, 2)
    assert {m.context["reason"] for m in OutboxMessage.objects.all()} == {
        "The minister's visit moved."
    }
    (move,) = history(session, LogAction.MOVE)
    assert move.data["starts_at"]["to"] == later.isoformat().replace("+00:00", "Z")
    (change,) = history(session, LogAction.CHANGE)
    assert set(change.data["fields"]) == {"title_en", "institutions"}
    # One e-mail per person for one save, to the tandem and the newly added partner.
    assert mails("session_changed") == {email: ("REQUEST", 2) for email in TANDEM | PARTNER}


def test_a_move_over_a_meeting_is_a_form_error_and_changes_nothing(
    organiser, people, session, meeting
):
    session_services.publish_session(actor=people.otto, session=session)
    OutboxMessage.objects.all().delete()
    before = ActivityLog.objects.count()
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    data = admin_form_data(organiser.get(url))
    data["starts_at_0"], data["starts_at_1"] = local(meeting.starts_at, people.otto)
    data["ends_at_0"], data["ends_at_1"] = local(meeting.ends_at, people.otto)
    data["title_en"] = "Should not stay"
    data["reason"] = "Clash test."
    response = organiser.post(url, data)
    assert response.status_code == 200
    assert "overlaps meetings" in str(response.context["adminform"].form.non_field_errors())
    fresh = Session.objects.get(pk=session.pk)
    assert (fresh.starts_at, fresh.title_en, fresh.sequence) == (
        session.starts_at,
        session.title_en,
        1,
    )
    assert ActivityLog.objects.count() == before and not OutboxMessage.objects.exists()


def test_withdrawing_with_a_reason_reaches_everyone_who_had_the_session(
    organiser, people, session, deliver
):
    session.institutions.add(people.institution)
    session_services.publish_session(actor=people.otto, session=session)
    # Chen's institution leaves the session: Chen still has the entry in the calendar.
    session_services.change_session(
        actor=people.otto, session=session, changes={"institutions": []}
    )
    response = organiser.post(
        reverse("admin:matchmaking_session_withdraw", args=[session.pk]),
        {"reason": "The speaker is ill."},
        follow=True,
    )
    assert "withdrawn from the programme" in messages_of(response)
    session.refresh_from_db()
    assert (session.is_published, session.sequence) == (False, 3)
    (entry,) = history(session, LogAction.UNPUBLISH)
    assert entry.data["reason"] == "The speaker is ill."
    assert mails("session_cancelled") == {email: ("CANCEL", 3) for email in TANDEM | PARTNER}
    # Each in its reader's language, with the reason as given.
    sent = [m for m in deliver() if "The speaker is ill." in m.body]
    assert {m.to[0] for m in sent} == TANDEM | PARTNER
    assert all("The speaker is ill." in description(m) for m in cancels_of("session_cancelled"))


def test_a_published_session_is_not_deleted_by_either_path(organiser, people, session):
    session_services.publish_session(actor=people.otto, session=session)
    delete = reverse("admin:matchmaking_session_delete", args=[session.pk])
    response = organiser.post(delete, {"post": "yes"}, follow=True)
    assert "withdraw it from the programme first" in messages_of(response)
    response = organiser.post(
        reverse("admin:matchmaking_session_changelist"),
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
        follow=True,
    )
    assert "withdraw it from the programme first" in messages_of(response)
    assert Session.objects.filter(pk=session.pk).exists()
    assert not history(session, LogAction.DELETE)


def test_a_withdrawn_session_is_deleted_with_its_history(organiser, people, session):
    other = factories.SessionFactory(tour=people.tour, is_published=False)
    session_services.publish_session(actor=people.otto, session=session)
    session_services.cancel_session(actor=people.otto, session=session)
    OutboxMessage.objects.all().delete()
    response = organiser.post(
        reverse("admin:matchmaking_session_changelist"),
        {"action": "delete_selected", "_selected_action": [session.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Session.objects.filter(pk__in=[session.pk, other.pk]).exists()
    deleted = ActivityLog.objects.filter(action=LogAction.DELETE, object_id=session.pk)
    assert deleted.get().actor == people.otto
    assert not OutboxMessage.objects.exists()  # the CANCEL went out at the withdrawal
    with pytest.raises(DomainError):
        session_services.delete_session(actor=people.chen, session=other)


# --- tours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (TourStatus.DRAFT, TourStatus.OPEN, True),
        (TourStatus.DRAFT, TourStatus.RUNNING, False),
        (TourStatus.OPEN, TourStatus.RUNNING, True),
        (TourStatus.OPEN, TourStatus.DRAFT, True),
        (TourStatus.RUNNING, TourStatus.FINISHED, True),
        (TourStatus.RUNNING, TourStatus.DRAFT, False),
        (TourStatus.FINISHED, TourStatus.OPEN, False),
    ],
)
def test_a_tours_status_changes_only_along_its_map(organiser, people, start, target, allowed):
    tour = factories.TourFactory(days=0, status=start)
    response = organiser.post(
        reverse("admin:matchmaking_tour_status", args=[tour.pk]), {"status": target}, follow=True
    )
    tour.refresh_from_db()
    if allowed:
        assert tour.status == target
        (entry,) = history(tour, LogAction.STATUS)
        assert entry.data == {"status": {"from": start, "to": target}}
    else:
        assert tour.status == start and not history(tour, LogAction.STATUS)
        assert "and cannot" in messages_of(response)


def test_the_tour_page_offers_the_allowed_steps_and_no_status_field(organiser, people):
    tour = factories.TourFactory(days=0, status=TourStatus.OPEN)
    page = organiser.get(reverse("admin:matchmaking_tour_change", args=[tour.pk]))
    assert "status" not in page.context["adminform"].form.fields
    assert [step.value for step in page.context["status_steps"]] == ["draft", "running"]
    response = organiser.post(
        reverse("admin:matchmaking_tour_changelist"),
        {"action": "finish_tours", "_selected_action": [tour.pk]},
        follow=True,
    )
    assert "and cannot" in messages_of(response)
    assert Tour.objects.get(pk=tour.pk).status == TourStatus.OPEN
    with pytest.raises(DomainError):
        change_tour_status(actor=people.chen, tour=tour, status=TourStatus.RUNNING)


# --- meetings -------------------------------------------------------------------------------


def test_a_video_link_changed_in_the_admin_tells_both_sides(organiser, people, meeting):
    url = reverse("admin:matchmaking_meeting_change", args=[meeting.pk])
    data = {**admin_form_data(organiser.get(url)), "video_url": "https://meet.example.cn/r/7"}
    assert organiser.post(url, data).status_code == 302
    (entry,) = history(meeting, LogAction.VIDEO_LINK)
    assert entry.data["video_url"]["to"] == "https://meet.example.cn/r/7"
    assert mails("video_link_changed") == {email: ("REQUEST", 1) for email in TANDEM | PARTNER}


def test_a_refused_video_link_is_a_form_error_and_changes_nothing(organiser, people, meeting):
    url = reverse("admin:matchmaking_meeting_change", args=[meeting.pk])
    data = {**admin_form_data(organiser.get(url)), "video_url": "http://plain.example/x"}
    response = organiser.post(url, data)
    assert response.status_code == 200
    assert "https://" in str(response.context["adminform"].form.non_field_errors())
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.video_url, fresh.sequence) == (meeting.video_url, 0)
    assert not history(meeting, LogAction.VIDEO_LINK) and not OutboxMessage.objects.exists()


def test_moving_a_meeting_in_the_admin_sends_the_raised_sequence(organiser, people, meeting):
    url = reverse("admin:matchmaking_meeting_change", args=[meeting.pk])
    data = admin_form_data(organiser.get(url))
    later = meeting.starts_at + timedelta(minutes=30)
    data["starts_at_0"], data["starts_at_1"] = local(later, people.otto)
    # Without a reason the move is a form error and nothing moves.
    refused = organiser.post(url, data)
    assert refused.status_code == 200 and "Please give a reason" in refused.content.decode()
    assert not history(meeting, LogAction.MOVE) and not OutboxMessage.objects.exists()
    data["reason"] = "The partner's flight was rebooked."
    assert organiser.post(url, data).status_code == 302
    (entry,) = history(meeting, LogAction.MOVE)
    assert entry.actor == people.otto
    moved = OutboxMessage.objects.filter(kind="meeting_moved")
    assert {m.context["reason"] for m in moved} == {"The partner's flight was rebooked."}
    assert mails("meeting_moved") == {email: ("REQUEST", 1) for email in TANDEM | PARTNER}


def test_cancelling_meetings_in_the_admin_sends_calendar_cancellations(
    organiser, people, meeting, deliver
):
    response = organiser.post(
        reverse("admin:matchmaking_meeting_changelist"),
        {"action": "cancel", "_selected_action": [meeting.pk], "confirm": "yes", "reason": "Ill."},
        follow=True,
    )
    assert "1 meeting cancelled" in messages_of(response)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert history(meeting, LogAction.CANCEL)[0].actor == people.otto
    assert mails("meeting_cancelled") == {email: ("CANCEL", 1) for email in TANDEM | PARTNER}


def test_the_reason_for_cancelling_a_meeting_reaches_the_e_mail(people, meeting, deliver):
    from matchmaking.services.meetings import cancel_meeting

    cancel_meeting(actor=people.otto, meeting=meeting, reason="Flight cancelled.")
    (entry,) = history(meeting, LogAction.CANCEL)
    assert entry.data["note"] == "Flight cancelled."
    sent = [m for m in deliver() if "Flight cancelled." in m.body]
    assert {m.to[0] for m in sent} == TANDEM | PARTNER
    # The calendar shows the cancelled entry without the e-mail: it says why too, in each
    # reader's language (the partner's in Chinese).
    label = {"en": "Reason: ", "de": "Grund: ", "zh-hans": "原因："}
    described = {(m.language, description(m)) for m in cancels_of("meeting_cancelled")}
    assert {language for language, _ in described} == {"en", "zh-hans"}
    assert all(f"{label[lang]}Flight cancelled." in text for lang, text in described)


def cancels_of(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind, ics_method="CANCEL"))


def description(message: OutboxMessage) -> str:
    (event,) = icalendar.Calendar.from_ical(message.ics).walk("VEVENT")
    return str(event["DESCRIPTION"])


# --- from outside ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["session_publish", "session_withdraw"])
def test_the_buttons_are_closed_to_people_who_are_not_organisers(client, people, session, name):
    client.force_login(people.chen)
    response = client.post(reverse(f"admin:matchmaking_{name}", args=[session.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    session.refresh_from_db()
    assert not session.is_published and not OutboxMessage.objects.exists()


def test_withdrawing_without_a_reason_is_refused_and_changes_nothing(organiser, people, session):
    session_services.publish_session(actor=people.otto, session=session)
    OutboxMessage.objects.all().delete()
    url = reverse("admin:matchmaking_session_withdraw", args=[session.pk])
    for reason in ("", "x" * 501):
        response = organiser.post(url, {"reason": reason}, follow=True)
        assert "Reason:" in messages_of(response)
    session.refresh_from_db()
    assert session.is_published and not history(session, LogAction.UNPUBLISH)
    assert not OutboxMessage.objects.exists()


def test_a_button_answers_get_and_unknown_ids_without_acting(organiser, people, session):
    url = reverse("admin:matchmaking_session_publish", args=[session.pk])
    assert organiser.get(url).status_code == 405
    missing = reverse("admin:matchmaking_session_publish", args=[session.pk + 1000])
    assert organiser.post(missing).status_code == 404
    assert not Session.objects.get(pk=session.pk).is_published


def test_an_inline_error_after_the_service_ran_leaves_nothing_saved(organiser, people, session):
    """The form's service changes the session before Django checks the inline rows: a bad row
    must take that change back with it."""
    before = ActivityLog.objects.count()
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    page = organiser.get(url)
    data = {**admin_form_data(page), "title_en": "Should not stay"}
    speakers = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is Session.speakers.through
    )
    data[f"{speakers}-TOTAL_FORMS"] = 1
    data[f"{speakers}-0-speaker"] = 999999  # no such speaker
    response = organiser.post(url, data)
    assert response.status_code == 200 and response.context["errors"]
    assert Session.objects.get(pk=session.pk).title_en == session.title_en
    assert ActivityLog.objects.count() == before and not OutboxMessage.objects.exists()
