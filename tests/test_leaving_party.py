"""The last person of a tandem or institution deletes their account: the party has left, so its
open requests and meetings still ahead are cancelled (the other side is told why) and its
session places go to those waiting; while someone of the party stays, nothing is cancelled."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from matchmaking.enums import MeetingStatus, RegistrationStatus, RequestStatus, SessionKind
from matchmaking.models import Meeting, MeetingRequest, Registration, User
from matchmaking.services.registrations import register_for_session
from matchmaking.services.requests import accept_request

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitments(people):
    """CardioSense has a pending request to BGI, a meeting with InferVision and the one place of
    a session LungScan waits for."""
    pending = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    asked = factories.MeetingRequestFactory(
        tandem=people.tandem, institution=people.other_institution
    )
    accept_request(actor=people.olga, request=asked)
    start = people.tour.days.order_by("date").last().window_start
    session = factories.SessionFactory(
        tour=people.tour,
        kind=SessionKind.ROUNDTABLE,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=1,
    )
    place = register_for_session(actor=people.alice, session=session, tandem=people.tandem)
    waiting = register_for_session(actor=people.bob, session=session, tandem=people.other_tandem)
    return pending, Meeting.objects.get(request=asked), place, waiting


def delete_account(client, user):
    client.force_login(user)
    response = client.post(reverse("my_data"), {"confirm": "on"})
    assert response.status_code == 302


def test_the_last_member_leaving_cancels_the_tandems_requests_meetings_and_places(
    client, people, commitments, deliver
):
    pending, meeting, place, waiting = commitments
    User.objects.filter(pk=people.anton.pk).update(is_active=False)
    deliver().clear()

    delete_account(client, people.alice)

    pending.refresh_from_db()
    meeting.refresh_from_db()
    place.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.status == RequestStatus.CANCELLED
    assert meeting.status == MeetingStatus.CANCELLED
    assert MeetingRequest.objects.get(pk=meeting.request_id).status == RequestStatus.CANCELLED
    assert place.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    bodies = {message.to[0]: message.body for message in deliver()}
    assert set(bodies) == {"chen@partner.example", "olga@partner.example", "bob@tandem.example"}
    # The portal's own reason, in each reader's language.
    for reader in (people.chen, people.olga):
        with translation.override(reader.language):
            assert gettext("The tandem has left the portal.") in bodies[reader.email]


def test_the_last_representative_leaving_cancels_the_institutions_requests(client, people, deliver):
    pending = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    deliver().clear()

    delete_account(client, people.chen)

    pending.refresh_from_db()
    assert pending.status == RequestStatus.CANCELLED
    bodies = {message.to[0]: message.body for message in deliver()}
    assert "Reason: The institution has left the portal." in bodies["alice@tandem.example"]
    assert "Reason: The institution has left the portal." in bodies["anton@tandem.example"]


def test_nothing_is_cancelled_while_the_other_member_stays(client, people, commitments):
    pending, meeting, place, waiting = commitments

    delete_account(client, people.alice)

    pending.refresh_from_db()
    meeting.refresh_from_db()
    place.refresh_from_db()
    assert pending.status == RequestStatus.PENDING
    assert meeting.status == MeetingStatus.SCHEDULED
    assert place.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITING
