"""The public tour page: programme by day in two zones, speakers, institutions, supporters,
the impressions video only when set, and a login link; nothing loaded from another host."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking.models import Tour
from matchmaking.places import place_of
from tests import demo_copy, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_copy.load()
    return Tour.objects.get(slug="innohealth-china")


def test_the_tour_page_shows_programme_speakers_institutions_supporters_and_login(client, demo):
    page = client.get(reverse("home")).content.decode()
    assert demo.name in page
    assert page.count("<h3>") >= 4  # one heading per programme day
    # The opening keynote at 07:00 Berlin is 14:00 in Shanghai (before summer time).
    assert '07:00 <span class="zone">Berlin</span>' in page
    assert "(14:00 Shanghai)" in page
    assert "Times in Berlin," in page  # the place people know, not "Europe/Berlin"
    assert "Opening keynote: digital health in China" in page
    assert "Vicky Qi LI" in page and "Kuan CHEN" in page
    assert "华大集团" in page and "Tsinghua University" in page
    assert "AHK Greater China" in page and "German Embassy" in page
    assert reverse("account_login") in page


def test_days_are_headed_in_order(client, demo):
    page = client.get(reverse("home")).content.decode()
    headings = re.findall(r"<h3>([^<]+)</h3>", page)
    assert len(headings) == 4
    assert headings[0].startswith("Monday")


def test_the_impressions_video_is_embedded_only_when_its_address_is_set(client, demo):
    assert "<iframe" not in client.get(reverse("home")).content.decode()
    demo.impressions_video_url = "https://video.example.org/embed/innohealth"
    demo.save()
    page = client.get(reverse("home")).content.decode()
    assert '<iframe src="https://video.example.org/embed/innohealth"' in page
    demo.impressions_video_url = "https://video.example.org/innohealth.mp4"
    demo.save()
    assert '<video controls preload="none" src="https://video.example.org/innohealth.mp4"' in (
        client.get(reverse("home")).content.decode()
    )


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_only_the_impressions_video_comes_from_another_host(client, demo):
    policy = directives(client.get(reverse("home"))["Content-Security-Policy"])
    assert policy["frame-src"] == "'none'"
    assert policy["script-src"] == policy["style-src"] == policy["default-src"] == "'self'"
    demo.impressions_video_url = "https://video.example.org/embed/innohealth"
    demo.save()
    policy = directives(client.get(reverse("home"))["Content-Security-Policy"])
    assert policy["frame-src"] == "https://video.example.org"
    assert policy["media-src"] == "'self' https://video.example.org"
    assert policy["script-src"] == policy["style-src"] == "'self'"


def test_a_draft_tour_is_not_published(client, db):
    factories.TourFactory(name="Secret tour", status="draft")
    page = client.get(reverse("home")).content.decode()
    assert "Secret tour" not in page
    assert "No tour has been published yet." in page


def _outside_assets(html: str) -> list[str]:
    """Stylesheets, scripts, images and fonts the page would fetch from an absolute address."""
    found = re.findall(r'<(?:script|img|link|source)[^>]+(?:src|href)="(https?:)?//[^"]*"', html)
    found += re.findall(r"url\((?:'|\")?(?:https?:)?//", html)
    return found


def test_pages_load_nothing_from_an_outside_host(client, demo):
    from matchmaking.models import User

    pages = [reverse("home"), reverse("account_login")]
    for url in pages:
        assert _outside_assets(client.get(url).content.decode()) == [], url
    client.force_login(User.objects.get(email="researcher1@tandem.example"))
    for url in ["/tandem/", "/institutions/", "/schedule/", "/tandem/profile/"]:
        assert _outside_assets(client.get(url).content.decode()) == [], url
    css = Path("static/css/portal.css").read_text(encoding="utf-8")
    assert "@import" not in css and "//" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def test_day_headings_follow_the_language(client, demo):
    chinese = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h3>2027年3月22日 星期一</h3>" in chinese
    german = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<h3>Montag, 22. März 2027</h3>" in german
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h3>Monday, 22 March 2027</h3>" in english  # day before month for everyone


def test_the_programme_is_rendered_once_and_again_after_any_change_it_shows(client, demo):
    """Visitors after the first get the rendered programme from the cache (no query for the
    sessions, speakers, institutions or supporters); a change to any of them shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matchmaking.models import Institution, Session, Speaker, Supporter

    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    tables = " ".join(q["sql"] for q in queries)
    assert "BGI" in page
    for table in ("session", "speaker", "supporter", "institution"):
        assert f'"matchmaking_{table}"' not in tables, table

    session = Session.objects.filter(tour=demo, is_published=True).first()
    session.title_en = "A renamed keynote"
    session.save()
    assert "A renamed keynote" in client.get(reverse("home")).content.decode()
    speaker = Speaker.objects.filter(tour=demo).first()
    speaker.position_en = "Chief Listener"
    speaker.save()
    assert "Chief Listener" in client.get(reverse("home")).content.decode()
    Supporter.objects.filter(tour=demo).first().delete()
    institution = factories.InstitutionFactory(name="Shenzhen Newcomer Hospital")
    institution.tours.add(demo)
    assert "Shenzhen Newcomer Hospital" in client.get(reverse("home")).content.decode()
    Institution.objects.filter(pk=institution.pk).first().tours.remove(demo)
    assert "Shenzhen Newcomer Hospital" not in client.get(reverse("home")).content.decode()


def test_each_language_gets_its_own_rendered_programme(client, demo):
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Programme" in english and "Programm" in german
    assert re.findall(r"<h3>([^<]+)</h3>", german)[0].startswith("Montag")


def test_a_visitor_reading_chinese_sees_the_programme_in_the_partners_zone_first(client, demo):
    zones = {
        language: re.findall(
            r'<span class="zone">([^<]+)</span>',
            client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode(),
        )
        for language in ("en", "zh-hans")
    }
    assert zones["en"] and set(zones["en"]) == {"Berlin"}
    with translation.override("zh-hans"):
        assert zones["zh-hans"] and set(zones["zh-hans"]) == {str(place_of("Asia/Shanghai"))}
