"""Bad input gets a clear message on the page (HTTP 400) and changes nothing."""

import pytest
from django.urls import reverse

from matchmaking.enums import RequestStatus
from matchmaking.models import ActivityLog, MeetingRequest, PreferredSlot

from .conftest import berlin, slot_value

pytestmark = pytest.mark.django_db


def _state():
    return (
        sorted(
            MeetingRequest.objects.values_list("pk", "status", "proposed_start", "decline_reason")
        ),
        PreferredSlot.objects.count(),
        ActivityLog.objects.count(),
    )


@pytest.fixture
def alice(client, people):
    client.force_login(people.alice)
    return client


def _ask(client, people, **data):
    return client.post(reverse("request_meeting", args=[people.institution.pk]), data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"message": ""}, "This field is required."),
        ({"message": "   "}, "This field is required."),
        ({"message": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        (
            {"message": "Hi", "preferred_1": "2027-03-22T03:00:00+00:00"},
            "Select a valid choice.",
        ),
        ({"message": "Hi", "preferred_1": "next tuesday"}, "Select a valid choice."),
        (
            {
                "message": "Hi",
                "preferred_1": slot_value(berlin(22, 9)),
                "preferred_2": slot_value(berlin(22, 9)),
            },
            "Each preferred time can be chosen only once.",
        ),
    ],
)
def test_a_bad_meeting_request_is_refused_with_a_message(alice, people, data, expected):
    before = _state()
    response = _ask(alice, people, **data)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert _state() == before


def test_a_second_request_for_the_same_pair_is_refused(alice, people):
    assert _ask(alice, people, message="First").status_code == 302
    before = _state()
    response = _ask(alice, people, message="Second")
    assert response.status_code == 400
    assert "There is already an open meeting request between CardioSense and BGI Group." in (
        response.content.decode()
    )
    assert _state() == before


def test_a_request_while_the_tour_takes_none_is_refused(alice, people):
    people.tour.status = "finished"
    people.tour.save()
    response = _ask(alice, people, message="Hello")
    assert response.status_code == 400
    assert "This tour does not take meeting requests at the moment." in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_an_accept_by_the_requesting_side_is_refused(alice, people, ask):
    request = ask(people)
    before = _state()
    response = alice.post(reverse("request_accept", args=[request.pk]), {"start": ""})
    assert response.status_code == 400
    assert "You cannot do this for this meeting request." in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("action", ["request_propose", "request_accept", "request_confirm"])
def test_answers_by_the_requesting_side_are_refused(alice, people, ask, action):
    request = ask(people)
    before = _state()
    response = alice.post(reverse(action, args=[request.pk]), {"start": slot_value(berlin(22, 9))})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "You cannot do this for this meeting request." in page
        or "It is the other side&#x27;s turn to answer; please wait for them." in page
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        ("request_accept", {"start": "garbage"}, "Select a valid choice."),
        ("request_accept", {"start": "2027-03-22T03:00:00+00:00"}, "Select a valid choice."),
        ("request_propose", {"start": ""}, "This field is required."),
        ("request_propose", {}, "This field is required."),
        ("request_decline", {"reason": "r" * 501}, "Ensure this value has at most 500 characters"),
    ],
)
def test_tampered_answers_are_refused(client, people, ask, action, data, expected):
    request = ask(people)
    people.chen.language = "en"
    people.chen.save()
    client.force_login(people.chen)
    before = _state()
    response = client.post(reverse(action, args=[request.pk]), data)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert _state() == before


def test_answering_a_request_twice_is_refused(client, people, ask):
    request = ask(people)
    people.chen.language = "en"
    people.chen.save()
    client.force_login(people.chen)
    client.post(reverse("request_decline", args=[request.pk]), {"reason": ""})
    before = _state()
    response = client.post(reverse("request_accept", args=[request.pk]), {"start": ""})
    assert response.status_code == 400
    assert "This request is declined: it can no longer be answered." in response.content.decode()
    assert _state() == before
    assert MeetingRequest.objects.get().status == RequestStatus.DECLINED


def test_a_tampered_id_is_not_found(alice, people, ask):
    request = ask(people)
    for url in (
        reverse("request_detail", args=[request.pk + 1000]),
        reverse("institution_detail", args=[999999]),
        reverse("meeting_ics", args=[999999]),
    ):
        assert alice.get(url).status_code == 404
    assert alice.get("/requests/abc/").status_code == 404
    assert alice.post(reverse("request_withdraw", args=[request.pk + 1000])).status_code == 404


def test_a_get_cannot_change_a_request(alice, people, ask):
    request = ask(people)
    response = alice.get(reverse("request_withdraw", args=[request.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_an_oversized_search_is_refused_with_a_message(alice):
    response = alice.get(reverse("directory"), {"q": "x" * 101, "kind": "spaceship"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value has at most 100 characters" in page
    assert "Select a valid choice. spaceship is not one of the available choices." in page
