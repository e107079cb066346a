"""Every admin page opens for an organiser (staff, not superuser) and is refused to a partner."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from matchmaking.models import Representative
from tests import demo_copy, factories

pytestmark = pytest.mark.django_db


def admin_urls():
    """List, change and add page of every registered model, as far as organisers may add."""
    from django.contrib.auth.models import Group

    organisers = Group.objects.get(name="Organisers")
    may_add = set(
        organisers.permissions.filter(codename__startswith="add_").values_list(
            "codename", flat=True
        )
    )
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if info[0] == "mfa":
            continue  # second factors are the superuser's alone (tests/test_escalation.py)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        overridden = (
            model_admin.has_add_permission.__func__ is not admin.ModelAdmin.has_add_permission
        )
        if f"add_{info[1]}" in may_add and not overridden:
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


@pytest.fixture
def demo(db):
    demo_copy.load()


# A date and time as Django renders it by itself ("22 March 2027, 09:30"), which names no zone.
HUMAN_TIME = re.compile(r"\d{1,2} \w+ \d{4}, \d{1,2}:\d{2}")
ZONED = re.compile(r"<time .*?</time>", re.S)  # admin/zones.py: the zone and the other clock


def naked_times(html: str) -> list[str]:
    """Times on an admin page (list cells, read-only values) shown without their zone."""
    return HUMAN_TIME.findall(ZONED.sub("", html))


def test_every_admin_page_opens_for_an_organiser(client, demo):
    from matchmaking.models import User

    organiser = User.objects.get(email="organiser@innohealth.example")
    assert not organiser.is_superuser
    client.force_login(organiser)
    urls = admin_urls()
    assert len(urls) > 30
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        # every time an organiser reads carries its zone (tests/test_admin_zones.py)
        assert not naked_times(response.content.decode()), url


def test_every_admin_page_is_refused_to_a_partner(client, demo):
    from matchmaking.models import User

    client.force_login(User.objects.get(email="bgi@partner.example"))
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_an_admin_action_goes_through_the_service(client, demo):
    from matchmaking.models import ActivityLog, MeetingRequest, User

    client.force_login(User.objects.get(email="organiser@innohealth.example"))
    pending = MeetingRequest.objects.filter(status="pending")
    accepted = MeetingRequest.objects.filter(status="accepted").first()
    response = client.post(
        reverse("admin:matchmaking_meetingrequest_changelist"),
        {"action": "decline", "_selected_action": [r.pk for r in pending] + [accepted.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert pending.count() > 1
    assert f"{pending.count()} requests declined" in text
    assert "can no longer be answered" in text
    assert ActivityLog.objects.filter(action="decline").count() == 2
    assert MeetingRequest.objects.get(pk=accepted.pk).status == "accepted"


def test_an_action_on_one_object_speaks_in_the_singular(client, demo):
    from matchmaking.models import MeetingRequest, User

    client.force_login(User.objects.get(email="organiser@innohealth.example"))
    pending = MeetingRequest.objects.filter(status="pending").first()
    response = client.post(
        reverse("admin:matchmaking_meetingrequest_changelist"),
        {"action": "accept", "_selected_action": [pending.pk]},
        follow=True,
    )
    assert "1 request accepted." in response.content.decode()


def test_an_organiser_files_a_request_and_bad_input_saves_nothing(client, demo):
    from matchmaking.models import Institution, MeetingRequest, Tandem, User

    client.force_login(User.objects.get(email="organiser@innohealth.example"))
    url = reverse("admin:matchmaking_meetingrequest_add")
    tandem = Tandem.objects.get(slug="cardiosense")
    bgi = Institution.objects.get(slug="bgi")
    before = MeetingRequest.objects.count()
    data = {"tandem": tandem.pk, "institution": bgi.pk, "direction": "tandem_to_institution"}
    response = client.post(url, data | {"message": ""})
    assert response.status_code == 200 and MeetingRequest.objects.count() == before
    response = client.post(url, data | {"message": "x" * 2001})
    assert response.status_code == 200 and MeetingRequest.objects.count() == before
    response = client.post(url, data | {"message": "Please meet CardioSense."})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (
        MeetingRequest.objects.filter(tandem=tandem, institution=bgi, status="pending").count() == 1
    )
    response = client.post(url, data | {"message": "Again"})
    assert b"already an open meeting request" in response.content


def test_cancelling_requests_asks_for_a_reason_that_reaches_both_sides(client, demo):
    from matchmaking.models import MeetingRequest, OutboxMessage, User

    client.force_login(User.objects.get(email="organiser@innohealth.example"))
    accepted = MeetingRequest.objects.filter(status="accepted").first()
    changelist = reverse("admin:matchmaking_meetingrequest_changelist")
    chosen = {"action": "cancel", "_selected_action": [accepted.pk]}
    asked = client.post(changelist, chosen)
    assert asked.status_code == 200 and accepted.tandem.name in asked.content.decode()
    assert client.post(changelist, {**chosen, "confirm": "yes"}).status_code == 400
    assert MeetingRequest.objects.get(pk=accepted.pk).status == "accepted"
    before = OutboxMessage.objects.count()
    done = client.post(
        changelist, {**chosen, "confirm": "yes", "reason": "The tandem left the tour."}, follow=True
    )
    assert "1 request cancelled." in done.content.decode()
    assert MeetingRequest.objects.get(pk=accepted.pk).status == "cancelled"
    from matchmaking.notifications.mime import build_email

    told = list(OutboxMessage.objects.order_by("pk")[before:])
    assert told and all(m.context.get("reason") == "The tandem left the tour." for m in told)
    assert all("The tandem left the tour." in build_email(m).body for m in told)


def test_the_session_lists_day_filter_offers_the_chosen_tours_days_once(client, demo):
    from matchmaking.demo import TOUR_SLUG
    from matchmaking.models import Tour, TourDay, User

    client.force_login(User.objects.get(email="organiser@innohealth.example"))
    tour = Tour.objects.get(slug=TOUR_SLUG)
    factories.TourFactory()  # two days of its own, on dates the demo tour has too
    url = reverse("admin:matchmaking_session_changelist")

    def days(**query):
        page = client.get(url, query)
        (day_filter,) = [f for f in page.context["cl"].filter_specs if f.title == "day"]
        return [value for value, _label in day_filter.lookup_choices]

    assert days(tour__id__exact=tour.pk) == [d.date.isoformat() for d in tour.days.all()]
    every = days()
    assert len(every) == len(set(every)) == TourDay.objects.values("date").distinct().count()


def test_organisers_pick_people_by_name_and_address(client, people):
    """Two people of one name, or an account that never gave one, are told apart by their
    address, which organisers may see (the other side never does)."""
    nameless = factories.UserFactory(display_name="", email="nameless@partner.example")
    client.force_login(people.otto)
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "matchmaking",
            "model_name": "representative",
            "field_name": "user",
            "term": "nameless",
        },
    ).json()["results"]
    assert [result["text"] for result in found] == [f"{nameless} <nameless@partner.example>"]
    representative = Representative.objects.get(user=people.chen)
    page = client.get(
        reverse("admin:matchmaking_representative_change", args=[representative.pk])
    ).content.decode()
    assert f"{people.chen} &lt;{people.chen.email}&gt;" in page
