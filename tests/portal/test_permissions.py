"""Every URL that carries an id, visited by somebody of the wrong side: 404 or 403, never the
data, and nothing changes."""

import pytest
from django.urls import reverse

from matchmaking.models import ActivityLog, Meeting, MeetingRequest
from tests import factories

from .conftest import berlin, slot_value

pytestmark = pytest.mark.django_db
SECRET = "Confidential: our unpublished ECG results."


@pytest.fixture
def world(people, ask, meeting):
    """CardioSense ↔ BGI: a meeting, a pending request, a private session, and a tour elsewhere."""
    meeting.request.message = SECRET
    meeting.request.save()
    pending = ask(people, institution=people.other_institution, message=SECRET)
    # Olga's institution must not see the first; build a pending request it does not concern.
    pending_bgi = ask(people, tandem=people.other_tandem, by=people.bob, message=SECRET)
    session = factories.SessionFactory(tour=people.tour, title="Private pitch training")
    session.tandems.add(people.tandem)
    elsewhere = factories.TourFactory()
    foreign_institution = factories.InstitutionFactory(name="Foreign Institute", tours=[elsewhere])
    foreign_tandem = factories.TandemFactory(tour=elsewhere, name="Foreign Tandem")
    return {
        "meeting": meeting,
        "request": meeting.request,
        "pending": pending,
        "pending_bgi": pending_bgi,
        "session": session,
        "foreign_institution": foreign_institution,
        "foreign_tandem": foreign_tandem,
    }


def _urls(world):
    """(method, url, data) of every id-carrying address, aimed at CardioSense ↔ BGI objects."""
    request, meeting = world["request"], world["meeting"]
    pending = world["pending_bgi"]
    start = {"start": slot_value(berlin(23, 8))}
    return [
        ("get", reverse("request_detail", args=[request.pk]), None),
        ("get", reverse("request_detail", args=[pending.pk]), None),
        ("post", reverse("request_accept", args=[pending.pk]), start),
        ("post", reverse("request_propose", args=[pending.pk]), start),
        ("post", reverse("request_decline", args=[pending.pk]), {"reason": "no"}),
        ("post", reverse("request_withdraw", args=[pending.pk]), {}),
        ("post", reverse("request_confirm", args=[pending.pk]), {}),
        ("post", reverse("request_decline", args=[request.pk]), {}),
        ("post", reverse("request_cancel", args=[request.pk]), {"reason": "no"}),
        ("get", reverse("meeting_outcome", args=[meeting.pk]), None),
        ("post", reverse("meeting_outcome", args=[meeting.pk]), {"outcome": "held"}),
        ("get", reverse("meeting_ics", args=[meeting.pk]), None),
        ("post", reverse("meeting_video", args=[meeting.pk]), {"url": "https://evil.example/x"}),
        ("get", reverse("session_ics", args=[world["session"].pk]), None),
    ]


def _snapshot():
    return (
        sorted(MeetingRequest.objects.values_list("pk", "status", "proposed_start", "message")),
        sorted(Meeting.objects.values_list("pk", "status", "video_url", "sequence")),
        ActivityLog.objects.count(),
    )


@pytest.mark.parametrize("person", ["olga", "outsider", "anonymous"])
def test_the_wrong_side_gets_404_or_403_and_never_the_data(client, people, world, person):
    if person == "olga":
        client.force_login(people.olga)
    elif person == "outsider":
        client.force_login(factories.UserFactory())
    before = _snapshot()
    for method, url, data in _urls(world):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        if person == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code in (403, 404), (url, response.status_code)
        assert SECRET not in response.content.decode(), url
        assert world["meeting"].video_url not in response.content.decode(), url
    assert _snapshot() == before


def test_another_tandem_cannot_reach_cardiosense_objects(client, people, world):
    client.force_login(people.bob)
    before = _snapshot()
    request, meeting = world["request"], world["meeting"]
    for url in (
        reverse("request_detail", args=[request.pk]),
        reverse("meeting_ics", args=[meeting.pk]),
        reverse("session_ics", args=[world["session"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("request_withdraw", args=[world["pending"].pk])).status_code == 404
    assert (
        client.post(
            reverse("meeting_video", args=[meeting.pk]), {"url": "https://a.example/b"}
        ).status_code
        == 404
    )
    assert _snapshot() == before


def test_objects_of_another_tour_are_not_found(client, people, world):
    client.force_login(people.alice)
    foreign = world["foreign_institution"]
    assert client.get(reverse("institution_detail", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("request_meeting", args=[foreign.pk]), {"message": "Hello"})
    assert response.status_code == 404
    client.force_login(people.chen)
    assert (
        client.get(reverse("tandem_detail", args=[world["foreign_tandem"].pk])).status_code == 404
    )
    assert not MeetingRequest.objects.filter(institution=foreign).exists()


@pytest.mark.parametrize(
    ("person", "url_name", "args"),
    [
        ("chen", "tandem_dashboard", []),
        ("chen", "tandem_profile", []),
        ("chen", "request_meeting", ["institution"]),
        ("alice", "partner_dashboard", []),
        ("alice", "institution_profile", []),
        ("alice", "tandem_list", []),
        ("alice", "tandem_detail", ["tandem"]),
    ],
)
def test_pages_of_the_other_role_are_forbidden(client, people, person, url_name, args):
    client.force_login(getattr(people, person))
    url = reverse(url_name, args=[getattr(people, a).pk for a in args])
    assert client.get(url).status_code == 403
    assert client.post(url, {"message": "x"}).status_code == 403


def test_the_organiser_sees_every_request_and_meeting(client, people, world):
    client.force_login(people.otto)
    for key in ("request", "pending", "pending_bgi"):
        page = client.get(reverse("request_detail", args=[world[key].pk]))
        assert page.status_code == 200 and SECRET in page.content.decode()
    assert client.get(reverse("meeting_ics", args=[world["meeting"].pk])).status_code == 200


def test_a_partner_sees_only_its_institutions_requests_on_its_dashboard(client, people, world):
    client.force_login(people.olga)
    page = client.get(reverse("partner_dashboard")).content.decode()
    assert f'data-request="{world["pending"].pk}"' in page
    for key in ("request", "pending_bgi"):
        assert f'data-request="{world[key].pk}"' not in page


def test_a_person_without_a_role_sees_no_directory_and_no_feed_for_a_bad_token(client, people):
    outsider = factories.UserFactory()
    client.force_login(outsider)
    assert client.get(reverse("directory")).status_code == 403
    client.logout()
    # Not a possible token (tokens are URL-safe): no match, never a database error.
    assert client.get("/calendar/abc%00def.ics").status_code == 404


def test_a_representative_opens_their_own_institution_that_takes_part_in_two_tours(client, people):
    """BGI comes back for the next edition: Chen's own institution is found once in Chen's tour,
    not once per tour it takes part in (which was a 500)."""
    people.institution.tours.add(factories.TourFactory(name="Next edition"))
    client.force_login(people.chen)

    response = client.get(reverse("institution_detail", args=[people.institution.pk]))

    assert response.status_code == 200
    assert response.context["institution"] == people.institution
