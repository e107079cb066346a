"""An organiser (staff, not superuser) cannot take over or lock out a colleague or an
administrator: every path is tried from outside, as HTTP requests of the organiser, and each is
refused with nothing changed."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.urls import reverse

from matchmaking.models import ActivityLog, User
from matchmaking.roles import ORGANISER_PERMISSIONS

from . import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "taken-over-by-an-organiser-1"


@pytest.fixture
def superuser(db):
    return factories.UserFactory(email="root@innohealth.example", is_staff=True, is_superuser=True)


@pytest.fixture
def colleague(db):
    return factories.OrganiserFactory(email="colleague@innohealth.example")


@pytest.fixture
def organiser(client, people):
    client.force_login(people.otto)
    return people.otto


def snapshot(user: User) -> tuple:
    user.refresh_from_db()
    return (
        user.email,
        user.password,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
    )


def inline_fields(client, url: str) -> dict:
    """The hidden fields of the page's inline formsets (each person's roles per tour)."""
    page = client.get(url).content.decode()
    hidden = re.findall(r'<input type="hidden" name="([^"]+-[^"]+)"(?: value="([^"]*)")?', page)
    return {name: value for name, value in hidden}


def change_form(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "first_name": "",
        "last_name": "",
        "language": user.language,
        "time_zone": user.time_zone,
        "is_active": "on",
        "is_staff": "on",
    }
    return data | changes


@pytest.mark.parametrize("target_name", ["superuser", "colleague"])
def test_an_organiser_cannot_set_another_staff_accounts_password(
    client, organiser, target_name, request
):
    target = request.getfixturevalue(target_name)
    before = snapshot(target)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    assert snapshot(target) == before


@pytest.mark.parametrize("target_name", ["superuser", "colleague"])
def test_an_organiser_cannot_change_another_staff_accounts_email_status_groups_or_rights(
    client, organiser, target_name, request
):
    target = request.getfixturevalue(target_name)
    before = snapshot(target)
    url = reverse("admin:matchmaking_user_change", args=[target.pk])
    assert client.get(url).status_code == 200  # seen, read-only
    hostile = change_form(
        target,
        email="otto-owns-this@innohealth.example",
        is_active="",
        is_staff="",
        groups=[],
        user_permissions=[],
    )
    assert client.post(url, hostile).status_code == 403
    assert snapshot(target) == before


@pytest.mark.parametrize("target_name", ["superuser", "colleague"])
def test_an_organiser_cannot_delete_another_staff_account(client, organiser, target_name, request):
    target = request.getfixturevalue(target_name)
    url = reverse("admin:matchmaking_user_delete", args=[target.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:matchmaking_user_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=target.pk).exists()


def test_an_organiser_cannot_raise_their_own_rights(client, organiser):
    before = snapshot(organiser)
    admins = Group.objects.create(name="Administrators")
    url = reverse("admin:matchmaking_user_change", args=[organiser.pk])
    response = client.post(
        url,
        inline_fields(client, url)
        | change_form(
            organiser,
            display_name="Otto O.",
            is_superuser="on",
            groups=[admins.pk],
            user_permissions=[1, 2, 3],
            email="otto2@innohealth.example",
        ),
    )
    assert response.status_code == 302  # the profile is theirs to change …
    assert snapshot(organiser) == before  # … what decides access is not
    organiser.refresh_from_db()
    assert organiser.display_name == "Otto O."
    own_password = reverse("admin:auth_user_password_change", args=[organiser.pk])
    assert client.get(own_password)["Location"] == reverse("account_change_password")


def test_an_organiser_still_manages_tandem_and_partner_accounts(client, organiser, people):
    url = reverse("admin:matchmaking_user_change", args=[people.alice.pk])
    response = client.post(
        url,
        inline_fields(client, url)
        | change_form(people.alice, email="alice@new.example", is_staff=""),
    )
    assert response.status_code == 302
    people.alice.refresh_from_db()
    assert people.alice.email == "alice@new.example"
    password = reverse("admin:auth_user_password_change", args=[people.alice.pk])
    assert (
        client.post(password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code
        == 403
    )


def test_passwords_of_others_are_reset_by_email_only(client, organiser, superuser, deliver):
    before = snapshot(superuser)
    response = client.post(
        reverse("admin:matchmaking_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [superuser.pk]},
        follow=True,
    )
    assert "1 password reset e-mail sent" in response.content.decode()
    [message] = deliver()
    assert message.to == [superuser.email]
    assert "/accounts/password/reset/key/" in message.body
    assert snapshot(superuser) == before
    assert ActivityLog.objects.filter(
        object_id=superuser.pk, action="password_reset_sent", actor=organiser
    ).exists()


def test_a_superuser_does_not_set_others_passwords_either(client, superuser, people):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[people.alice.pk])
    assert (
        client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 403
    )


def test_an_organiser_cannot_take_over_an_address_or_a_second_factor(client, organiser, superuser):
    address = EmailAddress.objects.get(user=superuser)
    url = reverse("admin:account_emailaddress_change", args=[address.pk])
    data = {"user": organiser.pk, "email": "otto@innohealth.example", "verified": "on"}
    assert client.post(url, data).status_code == 403
    assert (
        client.post(
            reverse("admin:account_emailaddress_delete", args=[address.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    address.refresh_from_db()
    assert (address.user, address.email) == (superuser, "root@innohealth.example")
    factor = TOTP.activate(superuser, generate_totp_secret()).instance
    delete = reverse("admin:mfa_authenticator_delete", args=[factor.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=factor.pk).exists()
    group = Group.objects.get(name="Organisers")
    change = reverse("admin:auth_group_change", args=[group.pk])
    assert client.post(change, {"name": "Organisers", "permissions": []}).status_code == 403


def test_the_organisers_group_holds_exactly_the_named_permissions():
    named = {
        (app_label, codename)
        for app_label, codenames in ORGANISER_PERMISSIONS.items()
        for codename in codenames
    }
    held = set(
        Group.objects.get(name="Organisers").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert held == named
    for dangerous in [
        ("auth", "change_group"),
        ("auth", "change_permission"),
        ("account", "change_emailaddress"),
        ("matchmaking", "delete_activitylog"),
        ("matchmaking", "change_activitylog"),
        ("mfa", "delete_authenticator"),
    ]:
        assert dangerous not in held
