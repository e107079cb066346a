"""Every error page in the portal's design and the person's language, as production shows it."""

import logging

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

HEADINGS = {
    "400": "The portal could not understand this request",
    "403": "You may not open this page",
    "404": "Page not found",
    "500": "Something went wrong on our side",
}
LANGUAGES = ["en", "de", "zh-hans"]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.portal.error_urls"


def heading_in(language: str, code: str) -> str:
    with translation.override(language):
        return gettext(HEADINGS[code])


def assert_portal_page(response, language: str, code: str):
    html = response.content.decode()
    assert response.status_code == int(code)
    assert f'<html lang="{language}">' in html
    assert "css/portal.css" in html and 'class="site-header"' in html
    assert heading_in(language, code) in html
    if language != "en":
        assert heading_in(language, code) != HEADINGS[code], "translated"
    assert "Traceback" not in html and "a test failure" not in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(HEADINGS))
def test_every_error_page_for_a_visitor_in_the_browsers_language(
    production, code, language, django_assert_max_num_queries
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    # The 500 page must not need the database (it may be the database that failed).
    with django_assert_max_num_queries(0 if code == "500" else 10):
        response = client.get(f"/fail/{code}/")
    assert_portal_page(response, language, code)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_address_is_the_portals_404(production, language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no/such/page/")
    assert_portal_page(response, language, "404")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_host_not_served_is_the_portals_400(settings, language):
    """Scanners send any Host header through a proxy that passes it on. Django refuses it before
    the login is read, so the 400 page is drawn for a request that has no user yet."""
    settings.DEBUG = False
    client = Client(
        HTTP_ACCEPT_LANGUAGE=language, HTTP_HOST="evil.example", raise_request_exception=False
    )
    assert_portal_page(client.get("/accounts/login/"), language, "400")


@pytest.mark.parametrize("language", ["de", "zh-hans"])
@pytest.mark.parametrize("code", sorted(HEADINGS))
def test_a_logged_in_person_sees_error_pages_in_their_profile_language(
    production, people, code, language
):
    people.alice.language = language
    people.alice.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(people.alice)
    assert_portal_page(client.get(f"/fail/{code}/"), language, code)


def test_a_refused_page_is_logged_as_one_line(production, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get("/fail/403/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /fail/403/"
    assert record.exc_info is None and "\n" not in caplog.text.strip()


def test_a_real_error_keeps_its_traceback(production, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        Client(raise_request_exception=False).get("/fail/500/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
