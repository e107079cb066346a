"""Either side calls off a meeting ahead from the request page, with a reason both sides read."""

from datetime import timedelta

import pytest
from django.urls import reverse

from matchmaking.enums import MeetingStatus, RequestStatus
from matchmaking.models import Meeting, OutboxMessage
from matchmaking.notifications.mime import build_email

pytestmark = pytest.mark.django_db


def cancel(client, meeting, reason="Our CEO is ill."):
    return client.post(reverse("request_cancel", args=[meeting.request_id]), {"reason": reason})


@pytest.mark.parametrize("who", ["anton", "chen"])
def test_a_side_cancels_its_meeting_and_both_sides_are_told_why(as_user, people, meeting, who):
    for person in (people.alice, people.anton, people.chen):
        person.language = "en"
        person.save(update_fields=["language"])
    client = as_user(getattr(people, who))
    page = client.get(reverse("request_detail", args=[meeting.request_id])).content.decode()
    assert 'id="cancel-meeting"' in page

    response = cancel(client, meeting)

    assert response.status_code == 302
    meeting.refresh_from_db()
    meeting.request.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.request.status == RequestStatus.CANCELLED
    told = OutboxMessage.objects.filter(kind="meeting_cancelled")
    assert set(told.values_list("email", flat=True)) == {
        people.alice.email,
        people.anton.email,
        people.chen.email,
    }
    assert {m.context["reason"] for m in told} == {"Our CEO is ill."}
    # Everyone reads which side called it off (here all read English).
    caller = people.tandem.name if who == "anton" else people.institution.name
    for message in told:
        assert f"{caller} called it off." in build_email(message).body
    assert all(m.ics_method == "CANCEL" for m in told)
    page = client.get(reverse("request_detail", args=[meeting.request_id])).content.decode()
    assert meeting.video_url not in page  # nobody is sent into a call that was called off


def test_without_a_reason_nothing_is_cancelled(as_user, people, meeting):
    response = cancel(as_user(people.alice), meeting, reason="  ")

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert not OutboxMessage.objects.filter(kind="meeting_cancelled").exists()


@pytest.mark.parametrize("who", ["bob", "olga"])
def test_nobody_else_cancels_it(as_user, people, meeting, who):
    assert cancel(as_user(getattr(people, who)), meeting).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_a_meeting_that_has_begun_is_not_cancelled_by_a_side(as_user, people, meeting):
    started = meeting.starts_at - timedelta(days=400)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=started, ends_at=started + timedelta(minutes=30)
    )
    client = as_user(people.chen)
    page = client.get(reverse("request_detail", args=[meeting.request_id])).content.decode()
    assert 'id="cancel-meeting"' not in page

    response = cancel(client, meeting)

    assert response.status_code == 400
    assert "此会谈已无法在此取消" in response.content.decode()  # Chen reads Chinese
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_a_pending_request_is_not_cancelled_through_the_meeting_form(as_user, people, ask):
    request = ask(people)
    response = as_user(people.alice).post(
        reverse("request_cancel", args=[request.pk]), {"reason": "No longer needed."}
    )
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_finished_request_shows_the_reason_and_who_changed_it_last_and_when(
    as_user, people, meeting
):
    """The cancellation's reason is on the request page, and every finished request says who
    made the last change and when, in the viewer's own zone."""
    people.chen.language = "en"  # the page's words in English, Shanghai time all the same
    people.chen.save(update_fields=["language"])
    cancel(as_user(people.anton), meeting, reason="Our CEO is ill.")
    request = meeting.request
    request.refresh_from_db()
    page = as_user(people.chen).get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Reason: Our CEO is ill." in page
    [line] = [part for part in page.split("\n") if 'id="last-change"' in part]
    assert f"Last change by {people.anton.display_name}, " in line
    assert 'data-zone="Shanghai"' in line  # Chen's zone first
    assert people.anton.email not in page
    page = as_user(people.alice).get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'id="last-change"' in page and 'data-zone="Berlin"' in page.split('id="last-change"')[1]


def test_an_open_request_names_no_last_change_and_an_expired_one_names_the_system(
    as_user, people, ask
):
    from matchmaking.services.requests import expire_request

    people.chen.language = "en"
    people.chen.save(update_fields=["language"])
    request = ask(people)
    page = as_user(people.chen).get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'id="last-change"' not in page
    expire_request(request=request, now=request.turn_since + timedelta(days=30))
    page = as_user(people.chen).get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Last change by the system, " in page
