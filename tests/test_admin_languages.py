"""The admin edits each translated field in English, German and Chinese side by side, from its
own static files; English is required, a translation longer than its field and another
institution's name get a message."""

import re

import pytest
from django.urls import reverse

from matchmaking.models import Institution

pytestmark = pytest.mark.django_db


def institution_data(**changes) -> dict:
    return {
        "name_en": "Peking Union Medical College Hospital (test)",
        "name_de": "",
        "name_zh_hans": "",
        "slug": "pumch-test",
        "kind": "hospital",
        "city_en": "Beijing",
        "representatives-TOTAL_FORMS": "0",
        "representatives-INITIAL_FORMS": "0",
        **changes,
    }


def test_the_languages_stand_side_by_side_without_anything_from_another_host(client, people):
    client.force_login(people.otto)
    page = client.get(reverse("admin:matchmaking_institution_add")).content.decode()
    names = re.findall(r'name="(name_[a-z_]+|description_[a-z_]+)"', page)
    assert names == [
        "name_en",
        "name_de",
        "name_zh_hans",
        "description_en",
        "description_de",
        "description_zh_hans",
    ]
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]


def test_an_organiser_adds_an_institution_in_three_languages(client, people):
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_institution_add"),
        institution_data(name_de="Peking Union (Test)", name_zh_hans="北京协和医院（测试）"),
    )
    assert response.status_code == 302
    created = Institution.objects.get(slug="pumch-test")
    assert created.name_zh_hans == "北京协和医院（测试）"
    assert "北京协和医院(测试)" in created.search_text  # width forms folded


@pytest.mark.parametrize(
    "changes", [{"name_en": "bgi group"}, {"name_zh_hans": "华大集团"}, {"name_en": "INFERVISION"}]
)
def test_the_admin_refuses_another_institutions_name(client, people, changes):
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_institution_add"), institution_data(**changes)
    )
    assert response.status_code == 200
    assert "Another institution already has this name." in response.content.decode()
    assert not Institution.objects.filter(slug="pumch-test").exists()


def test_the_admin_needs_english_and_refuses_an_overlong_translation(client, people):
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_institution_add"),
        institution_data(name_en="", name_de="x" * 201),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "Ensure this value has at most 200 characters (it has 201)." in page
    assert not Institution.objects.filter(slug="pumch-test").exists()
