"""Content in the reader's language: the tour, its sessions, speakers, supporters, institutions,
topics, cities and the tandems' projects, on the public page, the dashboards and an
institution's page, in English, German and Chinese (falling back to English)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking.models import Institution, Session, User
from tests import demo_copy

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture
def demo(db):
    demo_copy.load()


def visible_text(page: str) -> str:
    body = page.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def login(client, email: str, language: str) -> None:
    user = User.objects.get(email=email)
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "InnoHealth China — Matchmaking Tour",
                "Opening keynote: digital health in China",
                "Host: Alibaba DAMO Academy",
                "Vice President, Beijing Medical Robotics Industry Innovation Center",
                "Fraunhofer Representative Office Beijing",
            ],
        ),
        (
            "de",
            [
                "InnoHealth China – Matchmaking-Tour",
                "Eröffnungs-Keynote: digitale Gesundheit in China",
                "Vizepräsidentin, Innovationszentrum der Pekinger Medizinrobotik-Industrie",
                "Fraunhofer-Repräsentanz Peking",
                "Peking",
            ],
        ),
        (
            "zh-hans",
            [
                "InnoHealth China 中德数字健康对接之旅",
                "开幕主旨演讲：中国的数字健康",
                "阿里巴巴达摩院",
                "副总裁, 北京医疗机器人产业创新中心",
                "弗劳恩霍夫北京代表处",
                "北京",
            ],
        ),
    ],
)
def test_the_public_page_shows_the_tour_in_the_visitors_language(client, demo, language, expected):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for text in expected:
        assert text in page, text


def test_the_chinese_public_page_is_mostly_chinese(client, demo):
    text = visible_text(
        client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    chinese, latin = len(CJK.findall(text)), len(LATIN.findall(text))
    # Left in Latin letters: people's names, "InnoHealth", "GTAI", the language switcher.
    assert chinese > 3 * latin, (chinese, latin)
    english = visible_text(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert len(CJK.findall(english)) < 150  # the English page names Chinese partners only beside


def test_a_host_is_named_in_the_readers_language(client, demo):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "主办方：阿里巴巴达摩院" in page
    assert "Alibaba DAMO Academy" not in page


def test_a_missing_translation_falls_back_to_english(client, demo):
    session = Session.objects.get(title_en="Closing networking")
    session.title_zh_hans = ""
    session.save()
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Closing networking" in page and "闭幕交流" not in page


def test_the_tandem_dashboard_in_german(client, demo):
    login(client, "researcher3@tandem.example", "de")  # GenoCare: a meeting with BGI
    page = client.get(reverse("tandem_dashboard")).content.decode()
    assert "Virtueller Unternehmensbesuch: BGI Group" in page
    assert "Impfstoff- und Mikrobiologieforschung an der CAS" in page
    assert "Vaccines and microbiology research at CAS" not in page


def test_the_tandem_dashboard_in_english_names_the_chinese_partner_beside(client, demo):
    login(client, "researcher3@tandem.example", "en")
    page = client.get(reverse("tandem_dashboard")).content.decode()
    assert "GenoCare (demo) ↔ BGI Group" in page
    assert "Virtual company visit: BGI Group" in page


def test_the_partner_dashboard_in_chinese(client, demo):
    login(client, "infervision@partner.example", "zh-hans")  # a pending request from LungScan
    page = client.get(reverse("partner_dashboard")).content.decode()
    assert "<h1>推想科技</h1>" in page
    assert "基于可解释人工智能的低剂量CT分诊" in page  # LungScan's project
    assert "案例展示：医学影像中的人工智能" in page
    assert "Low-dose CT triage with explainable AI" not in page.split("<details>")[0]


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("en", ["Tsinghua University · ", "清华大学", "Beijing", "Medical imaging"], ["Peking"]),
        ("de", ["Tsinghua-Universität", "Peking", "Medizinische Bildgebung"], ["Medical imaging"]),
        (
            "zh-hans",
            ["<h1>清华大学</h1>", "北京", "医学影像", "中国顶尖研究型大学之一"],
            ["Beijing"],
        ),
    ],
)
def test_the_institution_page_in_each_language(client, demo, language, expected, absent):
    login(client, "researcher1@tandem.example", language)
    tsinghua = Institution.objects.get(slug="tsinghua")
    page = client.get(reverse("institution_detail", args=[tsinghua.pk])).content.decode()
    for text in expected:
        assert text in page, text
    main = page.split("<details>")[0]  # the other languages stay behind the switch
    for text in absent:
        assert text not in main, text


def test_the_demo_is_complete_in_every_language(demo):
    from matchmaking.models import Speaker, Supporter, Tandem, Topic, Tour
    from matchmaking.models.languages import localized

    complete = {
        Tour: ["name", "description"],
        Session: ["title", "description"],
        Speaker: ["position", "bio"],
        Supporter: ["name"],
        Tandem: ["project_title", "summary"],
        Institution: ["name", "description", "city", "province"],
        Topic: ["name"],
    }
    for model, fields in complete.items():
        for row in model.objects.all():
            for field in fields:
                for column in localized(field):
                    assert getattr(row, column), (model.__name__, row.pk, column)
    with translation.override("zh-hans"):
        assert Institution.objects.get(slug="ikang").name == "爱康集团"
        assert Institution.objects.get(slug="ikang").city == "北京"
    with translation.override("de"):
        assert Institution.objects.get(slug="ikang").city == "Peking"
