"""Three languages with a switcher: a visitor's choice is kept in a cookie, a logged-in person's
on their profile (which the middleware applies on every page)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_visitor_switches_the_language(client, tour):
    response = client.post(reverse("switch_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="de">' in page
    assert "Programm" in page


def test_a_logged_in_person_switches_and_it_stays_on_the_profile(client, people):
    client.force_login(people.alice)
    client.post(reverse("switch_language"), {"language": "zh-hans", "next": "/tandem/"})
    people.alice.refresh_from_db()
    assert people.alice.language == "zh-hans"
    page = client.get(reverse("tandem_dashboard")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "推荐机构" in page


def test_an_unknown_language_changes_nothing(client, people):
    client.force_login(people.alice)
    client.post(reverse("switch_language"), {"language": "xx", "next": "/"})
    people.alice.refresh_from_db()
    assert people.alice.language == "en"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "My schedule"), ("de", "Mein Terminplan"), ("zh-hans", "我的日程")],
)
def test_every_page_speaks_the_persons_language(client, people, language, expected):
    people.chen.language = language
    people.chen.save()
    client.force_login(people.chen)
    for name in (
        "partner_dashboard",
        "schedule",
        "tandem_list",
        "institution_profile",
        "preferences",
    ):
        assert expected in client.get(reverse(name)).content.decode(), name


@pytest.mark.parametrize(
    ("before", "chosen", "confirmation"),
    [
        ("en", "de", "Ihre Einstellungen sind gespeichert."),
        ("de", "zh-hans", "您的设置已保存。"),
        ("zh-hans", "en", "Your preferences are saved."),
    ],
)
def test_the_confirmation_speaks_the_language_just_chosen(
    client, people, before, chosen, confirmation
):
    people.alice.language = before
    people.alice.save(update_fields=["language"])
    client.force_login(people.alice)
    response = client.post(
        reverse("preferences"),
        {"display_name": "Alice", "language": chosen, "time_zone": "Europe/Berlin"},
        follow=True,
    )
    page = response.content.decode()
    assert f'<html lang="{chosen}">' in page
    assert confirmation in page
