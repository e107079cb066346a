"""Hostile input in every admin page an organiser opens: list filters, search, ordering and paging
with wrong values, the autocomplete with non-numeric ids, and every add and change form posted
with long strings, NUL bytes, markup, SQL, emoji, huge and negative numbers. No 500 anywhere."""

import re

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from matchmaking.models import Tour, User
from tests import demo_copy

pytestmark = pytest.mark.django_db

HOSTILE = [
    "x" * 5000,
    "a\x00b",
    "abc",
    "-1",
    "99999999999999999999999",
    "1e309",
    "' OR 1=1; DROP TABLE matchmaking_user; --",
    '<script>alert("x")</script>',
    "😀🏥" * 20,
    "",
    "2027-02-30",
    "[]",
]


@pytest.fixture
def organiser(client, db):
    demo_copy.load()
    client.force_login(User.objects.get(email="organiser@innohealth.example"))
    client.raise_request_exception = False
    return client


def organiser_admins():
    """(model, model_admin) the organisers work with (second factors are the superuser's)."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label != "mfa"
    ]


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


def form_fields(html: str) -> list[str]:
    """The names of the inputs, selects and text areas of the page's forms."""
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)
    return [n for n in dict.fromkeys(names) if n != "csrfmiddlewaretoken"]


def hostile_form(fields: list[str], value: str) -> dict:
    return (
        {name: value for name in fields if not name.endswith(("TOTAL_FORMS", "INITIAL_FORMS"))}
        | {name: "1" for name in fields if name.endswith("TOTAL_FORMS")}
        | {name: "0" for name in fields if name.endswith("INITIAL_FORMS")}
    )


NOT_A_NUMBER, NUL, TOO_BIG = "abc", "a\x00b", "99999999999999999999999"


def hostile_values(field) -> tuple[str, ...]:
    """The values that can break a filter on ``field``: words and overflowing numbers where a
    number is read, a NUL byte (which PostgreSQL refuses in text) where text is, all three
    where the field reads something else (dates, flags, JSON)."""
    if field.is_relation or isinstance(field, (models.IntegerField, models.DecimalField)):
        return NOT_A_NUMBER, TOO_BIG
    if isinstance(field, (models.CharField, models.TextField)):
        return (NUL,)
    return NOT_A_NUMBER, NUL, TOO_BIG


def test_changelists_take_hostile_filters_search_ordering_and_pages(organiser):
    for model, _model_admin in organiser_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        concrete = [f for f in model._meta.get_fields() if f.concrete]
        queries = [
            query
            for value in (NOT_A_NUMBER, NUL, TOO_BIG)
            for query in (
                {"q": value, "o": value, "p": value, "e": value},
                {"q": "x" * 5000, "_changelist_filters": value},
            )
        ]
        for field in concrete:
            for value in hostile_values(field):
                if field.is_relation:
                    queries.append({f"{field.name}__id__exact": value})
                queries.append({f"{field.name}__exact": value})
                queries.append({f"{field.name}__gte": value, f"{field.name}__isnull": value})
        for query in queries:
            assert_no_server_error(organiser.get(url, query), f"{url} {query!r}"[:300])


def test_the_autocomplete_takes_hostile_parameters(organiser):
    url = reverse("admin:autocomplete")
    for model, model_admin in organiser_admins():
        for field_name in getattr(model_admin, "autocomplete_fields", ()):
            base = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
            }
            for value in HOSTILE:
                for query in (base | {"term": value}, base | {"term": "a", "page": value}):
                    assert_no_server_error(organiser.get(url, query), f"{query!r}"[:300])
    for value in HOSTILE:
        query = {"app_label": value, "model_name": value, "field_name": value, "term": value}
        assert_no_server_error(organiser.get(url, query), f"{query!r}"[:300])


def test_add_and_change_forms_take_hostile_posts(organiser):
    for model, _model_admin in organiser_admins():
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_add".format(*info))]
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for url in urls:
            page = organiser.get(url)
            assert_no_server_error(page, url)
            if page.status_code != 200:
                continue
            fields = form_fields(page.content.decode())
            for value in HOSTILE:
                response = organiser.post(url, hostile_form(fields, value))
                assert_no_server_error(response, f"{url} {value[:40]!r}")


def test_admin_object_urls_take_hostile_ids(organiser):
    tour = Tour.objects.first()
    for model, _model_admin in organiser_admins():
        info = (model._meta.app_label, model._meta.model_name)
        change = reverse("admin:{}_{}_change".format(*info), args=[1]).replace("/1/", "/{}/")
        for value in ("abc", "-1", "99999999999999999999999", "%00", "1%20OR%201=1"):
            assert_no_server_error(organiser.get(change.format(value)), change.format(value))
    for name in ("matchmaking_tour_grid", "matchmaking_tour_schedule"):
        url = reverse(f"admin:{name}", args=[tour.pk])
        for value in HOSTILE:
            response = organiser.get(url, {"day": value, "zone": value, "time_limit": value})
            assert_no_server_error(response, f"{url} {value[:40]!r}")
            fields = form_fields(organiser.get(url).content.decode())
            response = organiser.post(url, hostile_form(fields, value))
            assert_no_server_error(response, f"POST {url} {value[:40]!r}")
