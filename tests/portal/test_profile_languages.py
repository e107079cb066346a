"""Profiles edited in all three languages: English required (and Chinese for the summaries),
German optional; an institution's names unique in each language, so no partner can take
another's name; a translation longer than its field gets a message, never a 500."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from matchmaking.models import Institution
from matchmaking.services import DomainError
from matchmaking.services.profiles import update_institution_profile

pytestmark = pytest.mark.django_db

TAKEN = "Another institution already has this name."


@pytest.fixture(autouse=True)
def _messages_in_english(people):
    """Chen reads the portal in Chinese; the form's messages are checked in English here."""
    people.chen.language = "en"
    people.chen.save(update_fields=["language"])


def institution_form(**changes) -> dict:
    return {
        "name_en": "BGI Group",
        "name_de": "",
        "name_zh_hans": "华大集团",
        "city_en": "Shenzhen",
        "city_de": "",
        "city_zh_hans": "深圳",
        "website": "",
        "description_en": "Genomics.",
        "description_de": "Genomik.",
        "description_zh_hans": "基因组学。",
        **changes,
    }


def test_the_partner_form_edits_every_language(client, people):
    client.force_login(people.chen)
    page = client.get(reverse("institution_profile")).content.decode()
    for name in ["name_en", "name_de", "name_zh_hans", "description_de", "city_zh_hans"]:
        assert f'name="{name}"' in page, name
    assert 'lang="zh-hans"' in page
    response = client.post(
        reverse("institution_profile"), institution_form(name_de="BGI-Gruppe", city_de="Shenzhen")
    )
    assert response.status_code == 302
    people.institution.refresh_from_db()
    assert people.institution.name_de == "BGI-Gruppe"
    assert people.institution.description_de == "Genomik."


@pytest.mark.parametrize(
    "changes",
    [
        {"name_en": "InferVision"},
        {"name_en": "  infervision "},  # another's name whatever the case
        {"name_zh_hans": "推想科技"},
        {"name_de": "InferVision GmbH"},
    ],
)
def test_a_partner_cannot_take_another_institutions_name(client, people, changes):
    people.other_institution.name_zh_hans = "推想科技"
    people.other_institution.name_de = "InferVision GmbH"
    people.other_institution.save()
    client.force_login(people.chen)
    response = client.post(reverse("institution_profile"), institution_form(**changes))
    assert response.status_code == 400
    assert TAKEN in response.content.decode()
    people.institution.refresh_from_db()
    assert people.institution.name_en == "BGI Group"
    assert people.institution.name_zh_hans == "华大集团"


def test_empty_german_names_do_not_collide(people):
    for institution in (people.institution, people.other_institution):
        institution.name_de = ""
        institution.full_clean()
        institution.save()
    assert Institution.objects.filter(name_de="").count() == 2


def test_the_database_refuses_a_second_name_whatever_the_case(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Institution.objects.filter(pk=people.institution.pk).update(name_en="INFERVISION")


def test_the_service_refuses_a_taken_name_with_a_message(people):
    with pytest.raises(DomainError, match=TAKEN):
        update_institution_profile(
            actor=people.chen,
            institution=people.institution,
            fields={"name_en": "InferVision"},
            topics=[],
        )
    assert Institution.objects.get(pk=people.institution.pk).name_en == "BGI Group"


def test_a_name_taken_in_the_same_instant_is_refused_by_the_database_with_a_message(
    people, monkeypatch
):
    # Both partners passed the model's check before either saved: only the database can tell.
    monkeypatch.setattr(Institution, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(DomainError, match=TAKEN):
        update_institution_profile(
            actor=people.chen,
            institution=people.institution,
            fields={"name_en": "InferVision"},
            topics=[],
        )
    assert Institution.objects.get(pk=people.institution.pk).name_en == "BGI Group"


def test_a_translation_longer_than_its_field_gets_a_message(client, people):
    client.force_login(people.chen)
    response = client.post(
        reverse("institution_profile"),
        institution_form(name_zh_hans="华" * 201, description_de="x" * 4001),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value has at most 200 characters (it has 201)." in page
    assert "Ensure this value has at most 4000 characters (it has 4001)." in page
    people.institution.refresh_from_db()
    assert people.institution.name_zh_hans == "华大集团"


def test_the_service_refuses_a_translation_longer_than_its_field(people):
    with pytest.raises(DomainError, match="at most 200 characters"):
        update_institution_profile(
            actor=people.chen,
            institution=people.institution,
            fields={"name_de": "x" * 201},
            topics=[],
        )


def test_the_english_name_and_description_are_required(client, people):
    client.force_login(people.chen)
    response = client.post(
        reverse("institution_profile"), institution_form(name_en="", description_en="")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_name_en_error"' in page and 'id="id_description_en_error"' in page
    assert 'id="id_name_de_error"' not in page  # German stays optional


def test_a_tandem_needs_its_project_title_in_english(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("tandem_profile"),
        {
            "project_title_en": "",
            "project_title_de": "EKG-Screening",
            "summary_en": "AI for ECGs.",
            "summary_zh_hans": "心电图人工智能。",
        },
    )
    assert response.status_code == 400
    assert 'id="id_project_title_en_error"' in response.content.decode()
    people.tandem.refresh_from_db()
    assert people.tandem.project_title_de in (None, "")


def test_a_tandem_profile_in_three_languages_is_read_in_each(client, people, ask):
    client.force_login(people.alice)
    response = client.post(
        reverse("tandem_profile"),
        {
            "project_title_en": "ECG screening",
            "project_title_de": "EKG-Screening",
            "project_title_zh_hans": "心电图筛查",
            "summary_en": "AI for ECGs.",
            "summary_de": "KI für EKGs.",
            "summary_zh_hans": "心电图人工智能。",
        },
    )
    assert response.status_code == 302
    request = ask(people)
    people.chen.language = "zh-hans"
    people.chen.save(update_fields=["language"])
    client.force_login(people.chen)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "心电图筛查" in page
    assert page.index('<p lang="zh-hans">心电图人工智能。</p>') < page.index("KI für EKGs.")
