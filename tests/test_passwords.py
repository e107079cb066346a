"""Passwords are stored with Argon2id at OWASP's setting; older hashes still log in and are
stored again in that form (matchmaking/passwords.py)."""

import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    check_password,
    make_password,
)
from django.urls import reverse

from innohealth import settings as project_settings
from matchmaking.models import User

from . import factories

pytestmark = pytest.mark.django_db

STORED_FORM = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def project_hashers(settings):
    # The suite stores passwords with MD5 for speed (conftest); these tests need the real list.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_a_new_password_is_stored_as_argon2id_at_owasps_setting(project_hashers):
    stored = make_password("a long passphrase for the tour")
    assert stored.startswith(STORED_FORM)
    assert check_password("a long passphrase for the tour", stored)
    assert not check_password("another passphrase", stored)


def _stored_with(hasher_class) -> str:
    hasher = hasher_class()
    return hasher.encode(factories.PASSWORD, hasher.salt())


# PBKDF2 was the portal's hasher before; Django's own Argon2 setting is heavier than the portal's.
@pytest.mark.parametrize("older", [PBKDF2PasswordHasher, Argon2PasswordHasher])
def test_an_older_hash_logs_in_and_is_stored_again_in_the_new_form(
    client, people, project_hashers, older
):
    people.alice.password = _stored_with(older)
    people.alice.save(update_fields=["password"])
    assert not people.alice.password.startswith(STORED_FORM)
    response = client.post(
        reverse("account_login"), {"login": people.alice.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/tandem/"
    assert User.objects.get(pk=people.alice.pk).password.startswith(STORED_FORM)


def test_a_wrong_password_against_an_older_hash_changes_nothing(client, people, project_hashers):
    people.alice.password = _stored_with(PBKDF2PasswordHasher)
    people.alice.save(update_fields=["password"])
    before = people.alice.password
    response = client.post(
        reverse("account_login"), {"login": people.alice.email, "password": "not the password"}
    )
    assert response.status_code == 200
    assert User.objects.get(pk=people.alice.pk).password == before


def test_the_preferences_page_leads_to_the_password_change(client, people):
    client.force_login(people.alice)
    page = client.get(reverse("preferences")).content.decode()
    assert f'href="{reverse("account_change_password")}"' in page
    assert client.get(reverse("account_change_password")).status_code == 200
