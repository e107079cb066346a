"""Publishing a session and moving a published one: never over a participant's meeting."""

import zoneinfo
from datetime import timedelta

import pytest
from django.urls import reverse

from matchmaking.enums import RegistrationStatus
from matchmaking.models import ActivityLog, Meeting, OutboxMessage, Registration, Session, Speaker
from matchmaking.notifications.mime import build_email
from matchmaking.services import DomainError
from matchmaking.services import sessions as session_services
from matchmaking.services.requests import accept_request

from . import factories
from .notifications.test_messages import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=request)
    return Meeting.objects.get(request=request)


def draft_session(people, start, **kwargs):
    session = factories.SessionFactory(
        tour=people.tour,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        is_published=False,
        **kwargs,
    )
    session.tandems.add(people.tandem)
    return session


def test_publishing_tells_the_participants_and_is_audited(people):
    session = draft_session(people, people.tour.days.first().window_start)
    with pytest.raises(DomainError):
        session_services.publish_session(actor=people.chen, session=session)
    session_services.publish_session(actor=people.otto, session=session)
    session.refresh_from_db()
    assert (session.is_published, session.sequence) == (True, 1)
    entry = ActivityLog.objects.about(session).get(action="publish")
    assert entry.data == {"is_published": {"from": False, "to": True}}
    assert entry.actor == people.otto
    # New to them, not a change: the e-mail says the session is now on the programme.
    published = OutboxMessage.objects.filter(kind="session_published")
    assert set(published.values_list("email", flat=True)) == {
        people.alice.email,
        people.anton.email,
    }
    assert not OutboxMessage.objects.filter(kind="session_changed").exists()
    email = build_email(published.first())
    assert email.subject.endswith(f"New in your programme: {session.title}")
    assert "now on the tour's programme" in email.body and "changed" not in email.body
    with pytest.raises(DomainError, match="already published"):
        session_services.publish_session(actor=people.otto, session=session)


def test_a_session_over_a_participants_meeting_is_not_published(people, meeting):
    session = draft_session(people, meeting.starts_at - timedelta(minutes=30))
    with pytest.raises(DomainError, match="overlaps meetings"):
        session_services.publish_session(actor=people.otto, session=session)
    session.refresh_from_db()
    assert not session.is_published and session.sequence == 0
    # The institution's side counts too: as host of a session on another tandem's programme.
    hosted = factories.SessionFactory(
        tour=people.tour,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        is_published=False,
        host=people.institution,
    )
    with pytest.raises(DomainError, match="overlaps meetings"):
        session_services.publish_session(actor=people.otto, session=hosted)


def test_the_publish_action_reports_each_refusal(client, people, meeting):
    free = draft_session(people, people.tour.days.order_by("date").last().window_start)
    clash = draft_session(people, meeting.starts_at)
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_session_changelist"),
        {"action": "publish", "_selected_action": [free.pk, clash.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 session published" in text
    assert "overlaps meetings" in text
    assert Session.objects.get(pk=free.pk).is_published
    assert not Session.objects.get(pk=clash.pk).is_published


def test_a_published_session_cannot_be_moved_over_a_meeting_in_the_admin(client, people, meeting):
    start = people.tour.days.order_by("date").last().window_start
    session = draft_session(people, start)
    session_services.publish_session(actor=people.otto, session=session)
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    data = admin_form_data(client.get(url))
    local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(people.otto.time_zone))
    data["starts_at_0"] = data["ends_at_0"] = f"{local:%Y-%m-%d}"
    data["starts_at_1"] = f"{local:%H:%M:%S}"
    data["ends_at_1"] = f"{local + timedelta(hours=1):%H:%M:%S}"
    data["reason"] = "A clash test."
    response = client.post(url, data)
    assert response.status_code == 200
    assert "overlaps meetings" in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == start


def test_the_institution_of_a_speaker_hears_about_its_session(people):
    session = factories.SessionFactory(tour=people.tour)
    session.speakers.add(
        Speaker.objects.create(
            tour=people.tour, name="Dr. Guest", institution=people.other_institution
        )
    )
    session_services.cancel_session(actor=people.otto, session=session)
    told = set(
        OutboxMessage.objects.filter(kind="session_cancelled").values_list("email", flat=True)
    )
    assert told == {people.olga.email}


def new_session_post(client, people, **changes) -> dict:
    """The add page's form filled in as an organiser would: a roundtable of the tandem."""
    data = admin_form_data(client.get(reverse("admin:matchmaking_session_add")))
    day = people.tour.days.order_by("date").last().date
    return {
        **data,
        "tour": people.tour.pk,
        "kind": "roundtable",
        "title_en": "Roundtable on data sharing",
        "starts_at_0": f"{day:%Y-%m-%d}",
        "starts_at_1": "09:00:00",
        "ends_at_0": f"{day:%Y-%m-%d}",
        "ends_at_1": "10:00:00",
        "tandems": [people.tandem.pk],
        **changes,
    }


def test_a_session_names_only_tandems_of_its_own_tour(client, people):
    """A tandem of another edition is told nothing of this tour: naming it as a participant
    would send its people (who may take part only in that edition) this tour's session."""
    next_edition = factories.TourFactory(name="Next edition")
    stranger = factories.TandemFactory(tour=next_edition, name="NeuroBridge")
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_session_add"),
        new_session_post(client, people, tandems=[people.tandem.pk, stranger.pk]),
    )
    assert response.status_code == 200
    assert "NeuroBridge does not take part in this tour" in response.content.decode()
    assert not Session.objects.filter(title_en="Roundtable on data sharing").exists()

    session = draft_session(people, people.tour.days.order_by("date").last().window_start)
    session_services.publish_session(actor=people.otto, session=session)
    sent = OutboxMessage.objects.count()
    with pytest.raises(DomainError, match="NeuroBridge does not take part in this tour"):
        session_services.change_session(
            actor=people.otto, session=session, changes={"tandems": [people.tandem, stranger]}
        )
    assert list(Session.objects.get(pk=session.pk).tandems.all()) == [people.tandem]
    assert OutboxMessage.objects.count() == sent


def test_a_session_lies_on_one_of_the_tours_days(client, people):
    """The day agenda and the planner know only the tour's days: a session typed a week late
    would be on the public programme and e-mailed, yet missing from the organisers' agenda."""
    client.force_login(people.otto)
    late = people.tour.days.order_by("date").last().date + timedelta(days=7)
    response = client.post(
        reverse("admin:matchmaking_session_add"),
        new_session_post(
            client, people, starts_at_0=f"{late:%Y-%m-%d}", ends_at_0=f"{late:%Y-%m-%d}"
        ),
    )
    assert response.status_code == 200
    assert "is not one of the tour&#x27;s days" in response.content.decode()
    assert not Session.objects.filter(title_en="Roundtable on data sharing").exists()

    # The same form on a tour day adds the draft.
    response = client.post(
        reverse("admin:matchmaking_session_add"), new_session_post(client, people)
    )
    assert response.status_code == 302
    session = Session.objects.get(title_en="Roundtable on data sharing")
    with pytest.raises(DomainError, match="is not one of the tour's days"):
        session_services.move_session(
            actor=people.otto,
            session=session,
            starts_at=session.starts_at + timedelta(days=7),
            ends_at=session.ends_at + timedelta(days=7),
        )
    assert Session.objects.get(pk=session.pk).starts_at == session.starts_at


def test_the_capacity_is_not_set_below_the_places_taken(client, people):
    session = draft_session(people, people.tour.days.order_by("date").last().window_start)
    for tandem in (people.tandem, people.other_tandem):
        Registration.objects.create(
            session=session, tandem=tandem, status=RegistrationStatus.CONFIRMED
        )
    with pytest.raises(DomainError, match="2 places of this session are taken already"):
        session_services.change_session(actor=people.otto, session=session, changes={"capacity": 1})
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    response = client.post(url, {**admin_form_data(client.get(url)), "capacity": 1})
    assert response.status_code == 200
    assert "the capacity cannot be less than 2" in response.content.decode()
    session_services.change_session(actor=people.otto, session=session, changes={"capacity": 2})
    assert Session.objects.get(pk=session.pk).capacity == 2


def test_a_session_names_only_institutions_of_its_own_tour(client, people):
    """Participants, the host and the speakers' institutions: a partner of another edition is
    told nothing of this tour."""
    stranger = factories.InstitutionFactory(
        name="Fudan Hospital", tours=[factories.TourFactory(name="Next edition")]
    )
    client.force_login(people.otto)
    add = reverse("admin:matchmaking_session_add")
    for changes in ({"institutions": [stranger.pk]}, {"host": stranger.pk}):
        response = client.post(add, new_session_post(client, people, **changes))
        assert "Fudan Hospital does not take part in this tour" in response.content.decode()
    assert not Session.objects.exists()

    session = draft_session(people, people.tour.days.order_by("date").last().window_start)
    with pytest.raises(DomainError, match="Fudan Hospital does not take part in this tour"):
        session_services.change_session(
            actor=people.otto, session=session, changes={"host": stranger}
        )
    guest = Speaker.objects.create(tour=people.tour, name="Dr. Guest", institution=stranger)
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    page = client.get(url)
    speakers = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is Session.speakers.through
    )
    data = {
        **admin_form_data(page),
        f"{speakers}-TOTAL_FORMS": 1,
        f"{speakers}-0-speaker": guest.pk,
    }
    response = client.post(url, data)
    assert "Fudan Hospital does not take part in this tour" in response.content.decode()
    assert not session.speakers.exists()
