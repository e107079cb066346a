"""A form sent after the session expired: the person logs in again and finds the form on its
page, with nothing done yet, instead of a 405 or a lost action."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from matchmaking.enums import RequestStatus

from .. import factories
from .conftest import berlin, slot_value

pytestmark = pytest.mark.django_db


def expire_session():
    Session.objects.all().delete()


def log_in(client, user, next_url):
    return client.post(
        f"{reverse('account_login')}?next={next_url}",
        {"login": user.email, "password": factories.PASSWORD},
    )


@pytest.mark.parametrize(
    ("person", "action", "data", "form_marker"),
    [
        ("chen", "request_accept", {"start": slot_value(berlin(22, 9))}, "accept"),
        ("alice", "request_withdraw", {}, "withdraw"),
    ],
)
def test_an_answer_after_the_session_expired_returns_to_its_form(
    client, people, ask, person, action, data, form_marker
):
    request = ask(people)
    user = getattr(people, person)
    page = reverse("request_detail", args=[request.pk])
    endpoint = reverse(action, args=[request.pk])
    client.force_login(user)
    assert client.get(page).status_code == 200
    expire_session()

    response = client.post(endpoint, data, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={page}"
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING

    response = log_in(client, user, page)
    assert response["Location"] == page
    html = client.get(page).content.decode()
    assert f'action="{endpoint}"' in html, f"the {form_marker} form is on the page again"

    assert client.post(endpoint, data)["Location"] == page
    request.refresh_from_db()
    assert request.status != RequestStatus.PENDING


def test_without_a_referer_the_login_returns_to_the_request_page_not_a_405(client, people, ask):
    request = ask(people)
    page = reverse("request_detail", args=[request.pk])
    endpoint = reverse("request_withdraw", args=[request.pk])
    client.force_login(people.alice)
    expire_session()

    response = client.post(endpoint)
    assert response["Location"] == f"{reverse('account_login')}?next={endpoint}"
    landing = log_in(client, people.alice, endpoint)["Location"]
    response = client.get(landing, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == page
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_referer_of_another_site_is_not_followed(client, people, ask):
    request = ask(people)
    endpoint = reverse("request_withdraw", args=[request.pk])
    response = Client().post(endpoint, HTTP_REFERER="https://evil.example/phish/")
    assert response["Location"] == f"{reverse('account_login')}?next={endpoint}"


def test_a_stale_csrf_token_shows_the_portals_page_in_the_persons_language(people, ask):
    request = ask(people)
    page = reverse("request_detail", args=[request.pk])
    people.alice.language = "de"
    people.alice.save()
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people.alice)
    client.get(page)
    response = client.post(
        reverse("request_withdraw", args=[request.pk]),
        {"csrfmiddlewaretoken": "stale" * 8},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "css/portal.css" in html
    assert f'href="{page}"' in html
    with translation.override("de"):
        heading = gettext("This form has expired")
    assert heading != "This form has expired" and heading in html
    assert "CSRF" not in html
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
