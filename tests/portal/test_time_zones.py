"""Every time in the viewer's zone with the other side's home zone beside it."""

import re
import zoneinfo
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from matchmaking.services.requests import accept_request
from matchmaking.timezones import ViewerZones, show_time, zones_for
from tests import factories

from .conftest import berlin

pytestmark = pytest.mark.django_db
BERLIN, SHANGHAI = zoneinfo.ZoneInfo("Europe/Berlin"), zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("day", "shanghai"),
    [(22, "16:00"), (27, "16:00"), (29, "15:00"), (31, "15:00")],
)
def test_nine_in_berlin_is_sixteen_in_shanghai_before_summer_time_and_fifteen_after(day, shanghai):
    # Europe changes to summer time on the last Sunday of March (28 March 2027); China never does.
    shown = show_time(berlin(day, 9), ViewerZones(BERLIN, SHANGHAI))
    assert (shown.time, shown.other_time) == ("09:00", shanghai)
    seen_from_china = show_time(berlin(day, 9), ViewerZones(SHANGHAI, BERLIN))
    assert (seen_from_china.time, seen_from_china.other_time) == (shanghai, "09:00")


@pytest.mark.parametrize(
    ("first_day", "shanghai"), [(date(2027, 3, 22), "16:00"), (date(2027, 3, 29), "15:00")]
)
def test_both_sides_see_the_meeting_in_their_own_zone_on_their_schedule(
    client, people, ask, first_day, shanghai
):
    tour = factories.TourFactory(days__first_day=first_day)
    tandem = factories.TandemFactory(tour=tour)
    member = factories.TandemMemberFactory(tandem=tandem, user__time_zone="Europe/Berlin").user
    people.institution.tours.add(tour)
    factories.RepresentativeFactory(user=people.chen, institution=people.institution, tour=tour)
    request = ask(people, tandem=tandem, by=member)
    accept_request(actor=people.chen, request=request, start=berlin(first_day.day, 9))

    client.force_login(member)
    page = client.get(reverse("schedule")).content.decode()
    assert re.search(r'>09:00–\d\d:\d\d <span class="zone">Berlin</span>', page)
    assert re.search(rf"\({shanghai}–\d\d:\d\d Shanghai\)", page)

    client.force_login(people.chen)
    with translation.override("en"):
        page = client.get(reverse("schedule")).content.decode()
    assert re.search(rf'>{shanghai}–\d\d:\d\d <span class="zone">', page)
    assert "(09:00–" in page


def test_zones_by_role(people):
    tour = people.tour
    assert zones_for(people.alice, tour) == ViewerZones(BERLIN, SHANGHAI)
    assert zones_for(people.chen, tour) == ViewerZones(SHANGHAI, BERLIN)
    assert zones_for(AnonymousUser(), tour) == ViewerZones(BERLIN, SHANGHAI)
    with translation.override("zh-hans"):  # a visitor reading Chinese is most likely a partner
        assert zones_for(AnonymousUser(), tour) == ViewerZones(SHANGHAI, BERLIN)
    people.alice.time_zone = "Asia/Shanghai"  # a tandem member travelling in China
    assert zones_for(people.alice, tour) == ViewerZones(SHANGHAI, None)


def test_a_time_on_another_date_there_shows_that_date(people):
    shown = show_time(berlin(22, 20), ViewerZones(BERLIN, SHANGHAI))
    assert shown.other_time == "03:00"
    assert shown.other_date is not None


def test_the_viewer_can_change_their_time_zone(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("preferences"),
        {"display_name": "Alice", "language": "en", "time_zone": "America/New_York"},
    )
    assert response.status_code == 302
    people.alice.refresh_from_db()
    assert people.alice.time_zone == "America/New_York"
    bad = client.post(
        reverse("preferences"),
        {"display_name": "Alice", "language": "en", "time_zone": "Mars/Olympus_Mons"},
    )
    assert bad.status_code == 400
    people.alice.refresh_from_db()
    assert people.alice.time_zone == "America/New_York"


def test_a_new_person_gets_the_time_zone_of_their_role(client, people, meeting):
    """Invited without a zone, a partner sees Shanghai time and a tandem member Berlin time."""
    from matchmaking.models.consent import CURRENT_CONSENT_VERSION
    from matchmaking.models.invitations import InvitationRole
    from matchmaking.services.consent import give_consent
    from matchmaking.services.invitations import accept_invitation, create_invitation
    from matchmaking.tokens import invitation_token

    new_people = {}
    for role, email, party in (
        (InvitationRole.REPRESENTATIVE, "wei@partner.example", {"institution": people.institution}),
        (InvitationRole.ENTREPRENEUR, "eva@tandem.example", {"tandem": people.other_tandem}),
    ):
        invitation = create_invitation(
            actor=people.otto, email=email, name=email.split("@")[0], role=role, **party
        )
        new_people[role] = accept_invitation(
            token=invitation_token(invitation), password="a-long-new-password"
        )
    partner = new_people[InvitationRole.REPRESENTATIVE]
    assert partner.time_zone == "Asia/Shanghai"
    assert new_people[InvitationRole.ENTREPRENEUR].time_zone == "Europe/Berlin"
    # A new person agrees to be shown across the border before their first page.
    give_consent(user=partner, version=CURRENT_CONSENT_VERSION, language=partner.language)
    client.force_login(partner)
    page = client.get(reverse("schedule")).content.decode()
    assert re.search(r'>16:00–\d\d:\d\d <span class="zone">Shanghai</span>', page)  # 09:00 Berlin


def test_no_page_speaks_of_a_zone_in_brackets_when_it_shows_none(client, people, meeting):
    """A tandem member travelling in China sees one zone only: the sentence about the other
    side's times in brackets would describe nothing."""
    people.alice.time_zone = "Asia/Shanghai"
    people.alice.save(update_fields=["time_zone"])
    client.force_login(people.alice)
    pages = [reverse("schedule"), reverse("schedule_print"), reverse("home")]
    for path in pages:
        page = client.get(path, follow=True)
        assert page.status_code == 200, path
        html = page.content.decode()
        assert "in brackets" not in html, path
        assert "Times in " in html, path
    client.force_login(people.anton)  # in Berlin, the partners' zone beside it
    assert "in brackets" in client.get(reverse("schedule")).content.decode()
