"""The day agenda (admin) and the personal agenda (admin and "My schedule"): sessions and meetings
together, both clocks, filters, the reader's or the participant's language, and who may open
them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from matchmaking.enums import SessionKind
from matchmaking.models import Meeting, SupportingOffice
from tests import factories

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def day(people):
    """On 22 March 2027: a keynote for everybody at 09:00 Berlin, CardioSense meets BGI at 10:00,
    LungScan meets InferVision at 10:30."""
    keynote = factories.SessionFactory(tour=people.tour, title="Opening keynote")
    keynote.tandems.set([people.tandem, people.other_tandem])
    keynote.institutions.set([people.institution])
    meetings = []
    for tandem, institution, at in (
        (people.tandem, people.institution, datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN)),
        (
            people.other_tandem,
            people.other_institution,
            datetime(2027, 3, 22, 10, 30, tzinfo=BERLIN),
        ),
    ):
        request = factories.AcceptedRequestFactory(tandem=tandem, institution=institution)
        meetings.append(
            Meeting.objects.create(
                request=request,
                tour=people.tour,
                tandem=tandem,
                institution=institution,
                starts_at=at,
                ends_at=at + timedelta(minutes=30),
            )
        )
    return keynote, meetings


def _agenda(client, people, **params):
    return client.get(reverse("admin:day_agenda", args=[people.tour.pk]), params)


@pytest.mark.parametrize(
    ("language", "heading", "kind_word", "berlin", "shanghai"),
    [
        ("en", "Monday, 22 March 2027", "Meeting", "Berlin", "Shanghai"),
        ("de", "Montag, 22. März 2027", "Treffen", "Berlin", "Shanghai"),
        ("zh-hans", "2027年3月22日 星期一", "会谈", "柏林", "上海"),
    ],
)
def test_the_day_agenda_puts_sessions_and_meetings_together_in_both_clocks(
    client, people, day, language, heading, kind_word, berlin, shanghai
):
    people.otto.language = language
    people.otto.save()
    client.force_login(people.otto)
    response = _agenda(client, people)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h2 id="agenda-day">{heading}</h2>' in html
    keynote, meetings = day
    rows = response.context["rows"]
    assert [(item.kind, item.detail.pk) for _s, _e, item in rows] == [
        ("session", keynote.pk),
        ("meeting", meetings[0].pk),
        ("meeting", meetings[1].pk),
    ]
    assert f'<th scope="col">{berlin}</th><th scope="col">{shanghai}</th>' in html
    assert "09:00–10:00" in html and "16:00–17:00" in html  # the keynote in both clocks
    assert kind_word in html

    partner_first = _agenda(client, people, zone="partner").content.decode()
    assert f'<th scope="col">{shanghai}</th><th scope="col">{berlin}</th>' in partner_first


def test_the_day_agenda_filters_by_tandem_institution_and_kind(client, people, day):
    client.force_login(people.otto)

    def titles(**params):
        response = _agenda(client, people, **params)
        assert response.status_code == 200
        return [item.title for _s, _e, item in response.context["rows"]]

    assert titles(tandem=people.tandem.pk) == ["Opening keynote", "CardioSense ↔ BGI Group"]
    assert titles(institution=people.other_institution.pk) == ["LungScan ↔ InferVision"]
    assert titles(kind="meeting") == ["CardioSense ↔ BGI Group", "LungScan ↔ InferVision"]
    assert titles(kind=SessionKind.KEYNOTE) == ["Opening keynote"]
    assert titles(day="2027-03-23") == []
    # The people of a chosen tandem are listed with their personal agendas.
    html = _agenda(client, people, tandem=people.tandem.pk).content.decode()
    assert reverse("admin:personal_agenda", args=[people.tour.pk, people.alice.pk]) in html


@pytest.mark.parametrize(
    "params",
    [{"day": "yesterday"}, {"day": "2030-01-01"}, {"tandem": "999999"}, {"kind": "party"}],
)
def test_bad_filters_are_answered_with_the_form(client, people, day, params):
    client.force_login(people.otto)
    response = _agenda(client, people, **params)
    assert response.status_code == 400
    assert response.context["form"].errors and not response.context["rows"]


def test_a_participants_agenda_is_in_their_language_and_zone(client, people, day):
    client.force_login(people.otto)  # reads the admin in English
    url = reverse("admin:personal_agenda", args=[people.tour.pk, people.chen.pk])
    html = client.get(url).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "议程" in html and "Opening keynote" in html and "CardioSense ↔ BGI Group" in html
    assert "LungScan ↔ InferVision" not in html  # not BGI's meeting
    # Chen reads Shanghai time first, Berlin beside it.
    assert '16:00–17:00 <span class="zone">上海</span>' in html
    assert "(09:00–10:00 柏林)" in html
    assert "agenda-print.css" in html


def test_a_participant_prints_their_own_agenda_from_my_schedule(client, people, day):
    client.force_login(people.alice)
    schedule = client.get(reverse("schedule")).content.decode()
    assert reverse("schedule_print") in schedule
    html = client.get(reverse("schedule_print")).content.decode()
    assert "CardioSense ↔ BGI Group" in html and "LungScan" not in html


def test_outsiders_cannot_open_the_agendas(client, people, day):
    urls = [
        reverse("admin:day_agenda", args=[people.tour.pk]),
        reverse("admin:personal_agenda", args=[people.tour.pk, people.chen.pk]),
    ]
    client.force_login(factories.UserFactory(is_staff=True))
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.force_login(people.alice)
    assert all(client.get(url).status_code == 302 for url in urls)  # the admin's login
    client.force_login(people.otto)
    stranger = factories.UserFactory()
    url = reverse("admin:personal_agenda", args=[people.tour.pk, stranger.pk])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(reverse("schedule_print")).status_code == 302


def test_my_schedule_offers_no_printable_agenda_to_someone_without_a_tour(client, people):
    """A supporting office's person may still open "My schedule" by its address but has no tour
    of their own: the page must not link to a printable agenda that answers 404."""
    office_person = factories.UserFactory()
    ahk = SupportingOffice.objects.create(name="AHK Greater China")
    ahk.tours.add(people.tour)
    ahk.people.add(office_person)
    client.force_login(office_person)

    schedule = client.get(reverse("schedule"))

    assert schedule.status_code == 200
    assert reverse("schedule_print") not in schedule.content.decode()
