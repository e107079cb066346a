"""Every page and form of the portal, for a visitor, a tandem member and a partner: hostile query
parameters and every form on the page posted with hostile values. Never a 500 (the admin's forms:
tests/test_admin_bad_input.py)."""

import re
from html import unescape

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = [
    "x" * 5000,
    "a\x00b",
    "abc",
    "-1",
    "99999999999999999999999",
    "' OR 1=1; --",
    '<script>alert("x")</script>',
    "😀🏥" * 20,
    "",
    "2027-02-30T25:61:00+99:00",
]
QUERY_NAMES = ["q", "tour", "day", "zone", "next", "page", "topic", "kind", "city", "sort"]


def post_forms(html: str, page_url: str) -> list[tuple[str, list[str]]]:
    """(action, field names) of each POST form of the page."""
    forms = []
    for attrs, body in re.findall(r"<form([^>]*)>(.*?)</form>", html, flags=re.S):
        if 'method="post"' not in attrs.lower():
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', body)
        fields = [n for n in dict.fromkeys(names) if n != "csrfmiddlewaretoken"]
        forms.append(
            (unescape(action.group(1)) if action and action.group(1) else page_url, fields)
        )
    return forms


def walk(client, urls: list[str]) -> None:
    client.raise_request_exception = False
    for url in urls:
        page = client.get(url)
        assert page.status_code < 500, url
        for value in HOSTILE:
            response = client.get(url, {name: value for name in QUERY_NAMES})
            assert response.status_code < 500, f"GET {url} {value[:30]!r}"
        if page.status_code != 200:
            continue
        for action, fields in post_forms(page.content.decode(), url):
            for value in HOSTILE:
                response = client.post(action, {name: value for name in fields})
                assert response.status_code < 500, f"POST {action} {value[:30]!r}"


@pytest.fixture
def pending(people, ask):
    return ask(people)


def test_a_visitor_gets_no_server_error(client, people):
    walk(
        client,
        [
            reverse("home"),
            reverse("account_login"),
            reverse("account_reset_password"),
            "/invitation/abc/",
            "/invitation/%00/",
            "/notifications/unsubscribe/abc/",
            "/calendar/abc.ics",
        ],
    )


def test_a_tandem_member_gets_no_server_error(client, people, pending):
    client.force_login(people.alice)
    walk(
        client,
        [
            reverse("tandem_dashboard"),
            reverse("tandem_profile"),
            reverse("directory"),
            reverse("institution_detail", args=[people.institution.pk]),
            reverse("request_meeting", args=[people.other_institution.pk]),
            reverse("request_detail", args=[pending.pk]),
            reverse("schedule"),
            reverse("availability"),
            reverse("preferences"),
            reverse("notification_preferences"),
            "/requests/99999999999999999999999/",
            "/institutions/99999999999999999999999/",
        ],
    )


def test_a_partner_gets_no_server_error(client, people, pending):
    client.force_login(people.chen)
    walk(
        client,
        [
            reverse("partner_dashboard"),
            reverse("institution_profile"),
            reverse("tandem_list"),
            reverse("tandem_detail", args=[people.tandem.pk]),
            reverse("request_detail", args=[pending.pk]),
            reverse("schedule"),
            reverse("availability"),
            reverse("preferences"),
            "/tandems/99999999999999999999999/",
        ],
    )
