"""Second factor: everyone may set up an authenticator app; in production a staff account opens no
admin or organiser page before it has one, and then logs in with a code."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from .factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_mfa(settings):
    settings.INNOHEALTH_REQUIRE_STAFF_MFA = True


def log_in(client, user):
    """Through allauth's form, so it records the recent authentication its set-up asks for."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def current_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_staff_without_an_authenticator_is_sent_to_set_one_up(client, people, production_mfa):
    log_in(client, people.otto)
    for url in ("/admin/", reverse("admin:matchmaking_tour_changelist"), reverse("dashboard")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor is set up.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert 'name="code"' in setup.content.decode()


def test_setting_up_the_authenticator_opens_the_admin(client, people, production_mfa):
    log_in(client, people.otto)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=people.otto, type="totp").exists()
    assert client.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_logs_in_with_a_code_and_reaches_the_admin(
    client, people, production_mfa
):
    secret = generate_totp_secret()
    TOTP.activate(people.otto, secret)
    response = client.post(
        reverse("account_login"), {"login": people.otto.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # the password alone is not a login
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(client, people, production_mfa):
    TOTP.activate(people.otto, generate_totp_secret())
    client.post(reverse("account_login"), {"login": people.otto.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_tandems_and_partners_are_not_forced_but_may_set_it_up(client, people, production_mfa):
    log_in(client, people.alice)
    assert client.get(reverse("dashboard"))["Location"] == "/tandem/"
    preferences = client.get(reverse("preferences")).content.decode()
    assert reverse("mfa_index") in preferences
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_the_embedded_mode_does_not_ask_the_demo_organiser(client, people, settings):
    settings.INNOHEALTH_REQUIRE_STAFF_MFA = False
    client.force_login(people.otto)
    assert client.get("/admin/").status_code == 200
