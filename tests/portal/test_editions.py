"""Tours are editions: Dana is a tandem member (NeuroBridge) in the 2027 tour and represents BGI
Group in the 2028 tour. Each page shows only the tour she chose; nothing of one tour is visible
or actionable from the other, and her choice is remembered."""

from datetime import date, datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from matchmaking.enums import MemberRole
from matchmaking.models import Participation, Representative, TandemMember, User
from matchmaking.services import DomainError
from matchmaking.services.calendar_feed import issue_calendar_token
from matchmaking.services.requests import accept_request
from tests import factories

from .conftest import BERLIN, berlin

pytestmark = pytest.mark.django_db


def in_2028(day: int, hour: int) -> datetime:
    return datetime(2028, 3, day, hour, tzinfo=BERLIN)


@pytest.fixture
def editions(people, ask):
    """2027 (the personas' tour): NeuroBridge with Dana asks InferVision; CardioSense meets BGI.
    2028 (newer): BGI, represented by Dana, meets the tandem SkinAI and hosts a session."""
    first = people.tour
    second = factories.TourFactory(name="Tour 2028", days__first_day=date(2028, 3, 20))
    neurobridge = factories.TandemFactory(tour=first, name="NeuroBridge")
    dana = factories.TandemMemberFactory(
        tandem=neurobridge, role=MemberRole.ENTREPRENEUR, user__email="dana@example.org"
    ).user
    people.institution.tours.add(second)
    factories.RepresentativeFactory(user=dana, institution=people.institution, tour=second)
    only_2028 = factories.InstitutionFactory(name="Shenzhen Only Institute", tours=[second])

    secret_2027 = ask(people, message="CardioSense's 2027 secret")
    accept_request(actor=people.chen, request=secret_2027, start=berlin(22, 9))
    own_2027 = ask(
        people, tandem=neurobridge, institution=people.other_institution, by=dana, message="N27"
    )
    session_2027 = factories.SessionFactory(tour=first, title="NeuroBridge pitch 2027")
    session_2027.tandems.add(neurobridge)

    skin = factories.TandemFactory(tour=second, name="SkinAI")
    kim = factories.TandemMemberFactory(tandem=skin, user__email="kim@example.org").user
    own_2028 = ask(people, tandem=skin, by=kim, message="SkinAI asks BGI in 2028")
    accept_request(actor=dana, request=own_2028, start=in_2028(20, 9))
    session_2028 = factories.SessionFactory(
        tour=second,
        title="BGI showcase 2028",
        starts_at=in_2028(21, 9),
        ends_at=in_2028(21, 10),
        host=people.institution,
    )
    return {
        "first": first,
        "second": second,
        "dana": dana,
        "neurobridge": neurobridge,
        "only_2028": only_2028,
        "secret_2027": secret_2027,
        "own_2027": own_2027,
        "own_2028": own_2028,
        "meeting_2027": secret_2027.meeting,
        "meeting_2028": own_2028.meeting,
        "session_2027": session_2027,
        "session_2028": session_2028,
        "skin": skin,
    }


def page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def switch(client, tour):
    return client.post(reverse("switch_tour"), {"tour": tour.slug})


# --- the database -------------------------------------------------------------------------------


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_a_second_role_in_one_tour(people, editions):
    dana, first = editions["dana"], editions["first"]
    assert refused(
        lambda: Representative.objects.create(
            user=dana, tour=first, institution=people.other_institution
        )
    )
    assert refused(
        lambda: TandemMember.objects.create(
            user=dana, tandem=people.other_tandem, role=MemberRole.ENTREPRENEUR
        )
    )
    assert Participation.objects.filter(user=dana).count() == 2


def test_the_database_refuses_a_third_tandem_member_and_a_role_outside_the_party_tour(
    people, editions
):
    third = factories.UserFactory()
    for role in MemberRole.values:
        assert refused(
            lambda r=role: TandemMember.objects.create(tandem=people.tandem, user=third, role=r)
        )
    # A member's tour is always the tandem's, even when written around the model.
    member = TandemMember.objects.get(user=people.alice)
    assert refused(
        lambda: Participation.objects.filter(pk=member.pk).update(tour=editions["second"])
    )
    # Nobody represents an institution in a tour it has not joined.
    stranger = factories.TourFactory()
    assert refused(
        lambda: Participation.objects.create(
            user=third, tour=stranger, role="representative", institution=people.institution
        )
    )
    # The role names its party: no representative with a tandem, no member without one.
    assert refused(
        lambda: Participation.objects.create(
            user=third, tour=editions["first"], role="representative", tandem=people.other_tandem
        )
    )


def test_leaving_a_tour_ends_the_representation_there_only(people, editions):
    people.institution.tours.remove(editions["second"])
    assert not Representative.objects.filter(user=editions["dana"]).exists()
    assert Representative.objects.filter(user=people.chen, tour=people.tour).exists()
    assert TandemMember.objects.filter(user=editions["dana"]).exists()


# --- choosing the tour -----------------------------------------------------------------------


def test_the_newest_open_tour_comes_first_and_the_switcher_lists_both(client, editions):
    client.force_login(editions["dana"])
    assert client.get(reverse("dashboard")).url == reverse("partner_dashboard")
    header = page(client, "partner_dashboard")
    assert 'name="tour"' in header
    assert "Tour 2028" in header and editions["first"].name in header
    assert f'<option value="{editions["second"].slug}" selected>' in header


def test_switching_tours_changes_the_landing_and_is_remembered_on_the_profile(
    client, editions, settings
):
    dana, first = editions["dana"], editions["first"]
    client.force_login(dana)
    response = switch(client, first)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).url == reverse("tandem_dashboard")
    dana.refresh_from_db()
    assert dana.chosen_tour == first
    # Another device, a new login: the same tour.
    client.logout()
    client.force_login(User.objects.get(pk=dana.pk))
    assert client.get(reverse("dashboard")).url == reverse("tandem_dashboard")
    assert f'<option value="{first.slug}" selected>' in page(client, "tandem_dashboard")


def test_a_tour_one_is_not_in_cannot_be_chosen(client, people, editions):
    stranger = factories.TourFactory(name="Someone else's tour")
    client.force_login(editions["dana"])
    response = switch(client, stranger)
    assert response.status_code == 302
    editions["dana"].refresh_from_db()
    assert editions["dana"].chosen_tour is None
    assert "You do not take part in this tour." in page(client, "partner_dashboard")
    assert client.post(reverse("switch_tour"), {"tour": "x" * 5000}).status_code == 302
    client.force_login(people.alice)  # one tour only: no switcher
    assert 'id="tour-select"' not in page(client, "tandem_dashboard")


def test_a_role_page_takes_the_person_to_the_tour_of_that_role(client, editions):
    """/tandem/ and /partner/ (bookmarks, links in e-mails) open the tour where the person has
    that role, and remember it."""
    dana = editions["dana"]
    client.force_login(dana)
    assert "NeuroBridge" in page(client, "tandem_dashboard")
    dana.refresh_from_db()
    assert dana.chosen_tour == editions["first"]
    assert "SkinAI" in page(client, "partner_dashboard")
    dana.refresh_from_db()
    assert dana.chosen_tour == editions["second"]


# --- every page shows only the chosen tour -----------------------------------------------------


def test_as_representative_in_2028_nothing_of_bgi_in_2027_is_visible(client, people, editions):
    client.force_login(editions["dana"])
    dashboard = page(client, "partner_dashboard")
    assert "SkinAI" in dashboard
    assert "CardioSense" not in dashboard  # BGI's 2027 meeting is not Dana's business
    schedule = page(client, "schedule")
    assert "SkinAI" in schedule and "BGI showcase 2028" in schedule
    assert "CardioSense" not in schedule and "NeuroBridge pitch 2027" not in schedule
    tandems = page(client, "tandem_list")
    assert "SkinAI" in tandems and "CardioSense" not in tandems
    directory = page(client, "directory")
    assert "Shenzhen Only Institute" in directory and "InferVision" not in directory
    availability = page(client, "availability")
    assert "BGI Group" in availability and "NeuroBridge" not in availability


def test_as_tandem_member_in_2027_nothing_of_2028_is_visible(client, editions):
    client.force_login(editions["dana"])
    switch(client, editions["first"])
    dashboard = page(client, "tandem_dashboard")
    assert "InferVision" in dashboard and "SkinAI" not in dashboard
    schedule = page(client, "schedule")
    assert "NeuroBridge pitch 2027" in schedule
    assert "SkinAI" not in schedule and "BGI showcase 2028" not in schedule
    directory = page(client, "directory")
    assert "InferVision" in directory and "Shenzhen Only Institute" not in directory
    assert "NeuroBridge" in page(client, "availability")


def test_the_calendar_feed_follows_the_chosen_tour(client, editions):
    dana = editions["dana"]
    feed = issue_calendar_token(user=dana)
    url = reverse("calendar_feed", args=[feed.token])
    entries = client.get(url).content.decode()
    assert "SkinAI" in entries and "BGI showcase 2028" in entries
    assert "CardioSense" not in entries and "NeuroBridge pitch 2027" not in entries
    client.force_login(dana)
    switch(client, editions["first"])
    client.logout()
    entries = client.get(url).content.decode()
    assert "NeuroBridge pitch 2027" in entries and "SkinAI" not in entries


def test_urls_of_the_other_tour_give_404_and_change_nothing(client, people, editions):
    client.force_login(editions["dana"])  # in 2028, as BGI's representative
    for name, obj in [
        ("request_detail", editions["secret_2027"]),  # BGI's, but of 2027
        ("request_detail", editions["own_2027"]),  # her tandem's, but of the other tour
        ("meeting_ics", editions["meeting_2027"]),
        ("session_ics", editions["session_2027"]),
        ("tandem_detail", people.tandem),
        ("institution_detail", people.other_institution),
    ]:
        assert client.get(reverse(name, args=[obj.pk])).status_code == 404, name
    secret = editions["secret_2027"]
    response = client.post(reverse("request_decline", args=[secret.pk]), {"reason": "no"})
    assert response.status_code == 404
    video = client.post(
        reverse("meeting_video", args=[editions["meeting_2027"].pk]),
        {"url": "https://meet.example.org/x"},
    )
    assert video.status_code == 404
    secret.refresh_from_db()
    assert secret.status == "accepted"

    switch(client, editions["first"])  # as NeuroBridge's member in 2027
    for name, obj in [
        ("request_detail", editions["own_2028"]),
        ("meeting_ics", editions["meeting_2028"]),
        ("session_ics", editions["session_2028"]),
        ("institution_detail", editions["only_2028"]),
        ("request_detail", editions["secret_2027"]),  # BGI's, not NeuroBridge's
    ]:
        assert client.get(reverse(name, args=[obj.pk])).status_code == 404, name
    assert client.get(reverse("request_detail", args=[editions["own_2027"].pk])).status_code == 200


def test_services_refuse_acting_for_a_party_in_a_tour_without_that_role(people, editions, ask):
    """Dana represents BGI in 2028 only: she cannot answer BGI's 2027 requests."""
    pending = ask(people, tandem=people.other_tandem, by=people.bob)
    with pytest.raises(DomainError):
        accept_request(actor=editions["dana"], request=pending, start=berlin(22, 10))
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_link_from_an_e_mail_opens_the_tour_it_is_about(client, editions):
    """E-mail links name their tour: Dana, working in 2028, follows a link about her tandem's
    2027 request and lands in 2027."""
    from matchmaking.notifications.links import portal_url

    dana, own_2027 = editions["dana"], editions["own_2027"]
    link = portal_url("request_detail", own_2027.pk, tour=own_2027.tour)
    assert link.endswith(f"/requests/{own_2027.pk}/?tour={editions['first'].slug}")
    client.force_login(dana)
    path = link.split("127.0.0.1:8000", 1)[-1]
    assert client.get(path).status_code == 200
    dana.refresh_from_db()
    assert dana.chosen_tour == editions["first"]
    # A tour she is not in, or no slug at all, changes nothing.
    stranger = factories.TourFactory()
    for slug in (stranger.slug, "x" * 500):
        assert client.get(reverse("schedule"), {"tour": slug}).status_code == 200
        dana.refresh_from_db()
        assert dana.chosen_tour == editions["first"]
    # A NUL is refused before any view reads it (the 400 page of BadInputMiddleware).
    assert client.get(reverse("schedule"), {"tour": "bad\x00slug"}).status_code == 400
    assert client.post(reverse("switch_tour"), {"tour": "bad\x00slug"}).status_code == 400
    dana.refresh_from_db()
    assert dana.chosen_tour == editions["first"]


def test_e_mails_reach_the_representatives_of_that_tour_and_link_to_it(people, editions):
    """BGI's 2027 request reaches Chen (2027) and not Dana; SkinAI's 2028 request Dana only."""
    from matchmaking.models import OutboxMessage

    received = OutboxMessage.objects.filter(kind="request_received")
    assert set(
        received.filter(context__request_id=editions["own_2028"].pk).values_list(
            "recipient__email", flat=True
        )
    ) == {"dana@example.org"}
    assert set(
        received.filter(context__request_id=editions["secret_2027"].pk).values_list(
            "recipient__email", flat=True
        )
    ) == {people.chen.email}
    message = OutboxMessage.objects.filter(kind="request_received", recipient=people.chen).first()
    assert message.context["url"].endswith(f"?tour={people.tour.slug}")
    skin = OutboxMessage.objects.get(kind="request_received", recipient=editions["dana"])
    assert skin.context["url"].endswith(f"?tour={editions['second'].slug}")


# --- organisers give roles per tour in the admin ---------------------------------------------


def test_the_admin_gives_a_role_per_tour_and_explains_a_refusal(client, people, editions):
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_representative_add")

    def add(user, tour):
        data = {"user": user.pk, "institution": people.institution.pk, "tour": tour.pk}
        return client.post(url, {**data, "position": "International office"})

    refused = add(people.alice, people.tour)  # Alice is CardioSense's researcher in that tour
    assert refused.status_code == 200
    assert "This person already has a role in this tour." in refused.content.decode()
    outside = add(people.olga, factories.TourFactory())
    assert outside.status_code == 200
    assert "The institution does not take part in this tour." in outside.content.decode()
    assert add(people.alice, editions["second"]).status_code == 302
    assert Representative.objects.get(user=people.alice).tour == editions["second"]
    user_page = client.get(reverse("admin:matchmaking_user_change", args=[people.alice.pk]))
    assert "CardioSense" in user_page.content.decode()  # her roles, tour by tour


def test_the_admin_refuses_a_tandem_role_to_a_partner_of_the_same_tour(client, people):
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_tandemmember_add"),
        {"user": people.chen.pk, "tandem": people.other_tandem.pk, "role": "entrepreneur"},
    )
    assert response.status_code == 200
    assert "This person already has a role in this tour." in response.content.decode()
    assert not TandemMember.objects.filter(user=people.chen).exists()


def _change_form_data(response) -> dict:
    """What the admin's change page would post back unchanged (main form and inlines)."""
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        forms += [formset.formset.management_form, *formset.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
            else:
                data[form.add_prefix(name)] = value
    return data


def test_an_institution_joins_a_tour_and_gets_its_representative_in_one_save(client, people):
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_institution_change", args=[people.other_institution.pk])
    data = _change_form_data(client.get(url))
    later = factories.TourFactory(name="Tour 2029")
    new_row = {"user": people.alice.pk, "tour": later.pk, "position": "Liaison"}
    total = int(data["representatives-TOTAL_FORMS"])
    data.update({f"representatives-{total}-{k}": v for k, v in new_row.items()})
    data["representatives-TOTAL_FORMS"] = total + 1
    refused = client.post(url, data)  # the institution is not in that tour
    assert refused.status_code == 200
    assert "The institution does not take part in this tour." in refused.content.decode()
    data["tours"] = [*data["tours"], later.pk]
    assert client.post(url, data).status_code == 302  # both in one save
    assert Representative.objects.get(user=people.alice).tour == later
