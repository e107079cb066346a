"""A person's roles are kept in the cache (the real Redis) under their ``roles_version``: every
path that changes a row behind them gives the next page the new roles, never the kept ones."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matchmaking import permissions
from matchmaking.enums import TourStatus
from matchmaking.models import Institution, Participation, SupportingOffice, Tandem, Tour, User
from matchmaking.services.personal_data import anonymise_tour, erase_personal_data
from matchmaking.services.tours import change_tour_status
from tests import factories


def roles(user: User) -> dict:
    """The roles as the next page reads them: a fresh user object, as each request loads."""
    return permissions.roles_of(User.objects.get(pk=user.pk))


def reads_roles_from_database(user: User) -> bool:
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        permissions.roles_of(fresh)
    return any("matchmaking_participation" in q["sql"] for q in queries.captured_queries)


def test_the_second_page_takes_the_roles_from_the_cache(people):
    assert reads_roles_from_database(people.alice)
    assert not reads_roles_from_database(people.alice)
    cached = roles(people.alice)[people.tour.pk]
    assert cached.tandem == people.tandem and cached.tandem.tour.name == people.tour.name


def test_a_role_taken_away_ends_at_the_next_page(people, client):
    client.force_login(people.bob)
    assert client.get("/tandem/").status_code == 200
    Participation.objects.get(user=people.bob).delete()
    assert roles(people.bob) == {}
    assert client.get("/tandem/").status_code == 403  # Bob has no role left anywhere


def test_a_role_given_to_another_person_leaves_the_first_one(people):
    roles(people.bob), roles(people.olga)
    role = Participation.objects.get(user=people.bob)
    role.user = people.olga
    Participation.objects.filter(user=people.olga).delete()
    role.save()
    assert roles(people.bob) == {}
    assert roles(people.olga)[people.tour.pk].tandem_id == people.other_tandem.pk


def test_the_tour_tandem_and_institution_behind_a_role_are_read_afresh(people):
    roles(people.alice), roles(people.chen)
    people.tandem.name = "CardioSense II"
    people.tandem.save()
    people.institution.name = "BGI Genomics"
    people.institution.save()
    assert roles(people.alice)[people.tour.pk].tandem.name == "CardioSense II"
    assert roles(people.chen)[people.tour.pk].institution.name == "BGI Genomics"
    tour = Tour.objects.get(pk=people.tour.pk)
    change_tour_status(actor=people.otto, tour=tour, status=TourStatus.DRAFT)
    # A partner's role in a tour being drafted does not count; a tandem's does.
    assert roles(people.chen) == {}
    assert roles(people.alice)[people.tour.pk].tour.status == TourStatus.DRAFT


def test_new_topics_reach_the_institution_kept_with_the_role(people):
    roles(people.chen)
    people.institution.topics.add(factories.TopicFactory(name_en="Genome editing"))
    kept = roles(people.chen)[people.tour.pk].institution
    assert "genomeediting" in kept.search_text


@pytest.fixture
def office(people):
    """Chen, BGI's representative, also works for the AHK, which supports the tour."""
    ahk = SupportingOffice.objects.create(name="AHK Greater China")
    ahk.tours.add(people.tour)
    ahk.people.add(people.chen)
    return ahk


def sees_pipeline(user: User) -> bool:
    return permissions.sees_pipeline(User.objects.get(pk=user.pk))


@pytest.mark.parametrize(
    "change",
    [
        lambda ahk, people: ahk.people.remove(people.chen),
        lambda ahk, people: ahk.people.clear(),
        lambda ahk, people: people.chen.supporting_offices.clear(),
        lambda ahk, people: people.chen.supporting_offices.remove(ahk),
        lambda ahk, people: ahk.tours.remove(people.tour),
        lambda ahk, people: ahk.tours.clear(),
        lambda ahk, people: people.tour.supporting_offices.clear(),
        lambda ahk, people: people.tour.supporting_offices.remove(ahk),
        lambda ahk, people: ahk.delete(),
    ],
    ids=[
        "person removed",
        "office emptied",
        "person leaves every office",
        "person leaves the office",
        "tour removed",
        "tours cleared",
        "tour leaves every office",
        "tour leaves the office",
        "office deleted",
    ],
)
def test_leaving_a_supporting_office_hides_its_pipeline_at_the_next_page(people, office, change):
    assert sees_pipeline(people.chen) and sees_pipeline(people.chen)  # the second from the cache
    change(office, people)
    assert not sees_pipeline(people.chen)


@pytest.mark.parametrize("side", ["office", "person", "tour"])
def test_joining_a_supporting_office_shows_its_pipeline_at_the_next_page(people, side):
    ahk = SupportingOffice.objects.create(name="AHK Greater China")
    assert not sees_pipeline(people.chen) and not sees_pipeline(people.chen)
    if side == "office":
        ahk.tours.add(people.tour)
        ahk.people.add(people.chen)
    elif side == "person":
        ahk.tours.add(people.tour)
        people.chen.supporting_offices.add(ahk)
    else:
        ahk.people.add(people.chen)
        people.tour.supporting_offices.add(ahk)
    assert sees_pipeline(people.chen)


def test_a_deleted_tour_takes_its_roles_and_its_offices_pipeline_along(people, office):
    assert roles(people.chen) and sees_pipeline(people.chen)
    Tour.objects.filter(pk=people.tour.pk).delete()
    assert roles(people.chen) == {} and not sees_pipeline(people.chen)


def test_erasing_and_anonymising_clear_the_kept_position(people):
    Participation.objects.filter(user=people.chen).update(position="Head of partnerships")
    User.objects.renew_roles([people.chen.pk])
    assert roles(people.chen)[people.tour.pk].position == "Head of partnerships"
    erase_personal_data(actor=people.otto, user=User.objects.get(pk=people.chen.pk))
    assert roles(people.chen)[people.tour.pk].position == ""

    Participation.objects.filter(user=people.olga).update(position="Director")
    User.objects.renew_roles([people.olga.pk])
    assert roles(people.olga)[people.tour.pk].position == "Director"
    tour = Tour.objects.get(pk=people.tour.pk)
    for status in (TourStatus.RUNNING, TourStatus.FINISHED):
        tour = change_tour_status(actor=people.otto, tour=tour, status=status)
    anonymise_tour(actor=people.otto, tour=tour)
    assert roles(people.olga)[people.tour.pk].position == ""


def test_a_copy_kept_under_another_database_or_schema_is_not_taken(people):
    alice = User.objects.get(pk=people.alice.pk)
    key = permissions._roles_key(alice)
    same_id_elsewhere = User(pk=alice.pk, date_joined=factories.UserFactory().date_joined)
    assert permissions._roles_key(same_id_elsewhere) != key
    assert permissions._roles_key(User.objects.only("pk").get(pk=alice.pk)) is None


def test_only_the_people_concerned_read_their_roles_afresh(people):
    versions = dict(User.objects.values_list("pk", "roles_version"))
    Tandem.objects.get(pk=people.other_tandem.pk).save()
    Institution.objects.get(pk=people.other_institution.pk).save()
    changed = {
        pk
        for pk, version in User.objects.values_list("pk", "roles_version")
        if version != versions[pk]
    }
    assert changed == {people.bob.pk, people.olga.pk}
