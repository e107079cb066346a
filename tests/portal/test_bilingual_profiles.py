"""Profiles in English and Chinese (German optional): each viewer sees their language, falling
back to English, with a switch to the other versions."""

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking.templatetags.portal import text_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(people):
    people.tandem.summary_en = "ECG screening with AI."
    people.tandem.summary_zh_hans = "人工智能心电图筛查。"
    people.tandem.summary_de = ""
    people.tandem.save()
    return people


@pytest.mark.parametrize(
    ("language", "shown", "others"),
    [
        ("en", "ECG screening with AI.", ["人工智能心电图筛查。"]),
        ("zh-hans", "人工智能心电图筛查。", ["ECG screening with AI."]),
        ("de", "ECG screening with AI.", ["人工智能心电图筛查。"]),  # no German: English
    ],
)
def test_each_viewer_sees_their_language_falling_back_to_english(texts, language, shown, others):
    first, rest = text_versions(texts.tandem, "summary", language)
    assert first.text == shown
    assert [v.text for v in rest] == others


def test_the_partner_sees_the_chinese_summary_and_can_open_the_original(client, texts, ask):
    request = ask(texts)
    client.force_login(texts.chen)  # Chinese interface
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    chinese = page.index('<p lang="zh-hans">人工智能心电图筛查。</p>')
    english = page.index('<span lang="en">ECG screening with AI.</span>')
    assert chinese < english  # English behind the <details> switch
    assert "<details>" in page[chinese:english]


def test_a_german_viewer_sees_the_german_text_when_there_is_one(client, texts, ask):
    texts.tandem.summary_de = "KI-gestütztes EKG-Screening."
    texts.tandem.save()
    with translation.override("de"):
        first, _ = text_versions(texts.tandem, "summary", "de")
    assert first.text == "KI-gestütztes EKG-Screening."


def test_an_institution_without_any_description_shows_none(people):
    assert text_versions(people.institution, "description", "en") == (None, [])
