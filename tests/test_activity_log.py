"""The activity log: every change to a person's account, by whatever path, and the changes of
tours, sessions, meetings and requests, read back as the history of their object."""

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from matchmaking.enums import LogAction
from matchmaking.models import ActivityLog, User
from matchmaking.roles import ORGANISERS_GROUP
from matchmaking.services.activity import acting_as

from . import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-7"


def history(obj, action):
    return list(ActivityLog.objects.about(obj).filter(action=action))


@pytest.mark.parametrize(
    ("field", "new"),
    [
        ("email", "alice.new@tandem.example"),
        ("is_active", False),
        ("is_staff", True),
        ("is_superuser", True),
    ],
)
def test_a_change_to_an_account_in_code_is_logged_from_and_to(people, field, new):
    alice = people.alice
    old = getattr(alice, field)
    setattr(alice, field, new)
    alice.save()
    (entry,) = history(alice, LogAction.CHANGE)
    assert entry.data == {field: {"from": old, "to": new}}
    assert entry.actor is None and entry.who == "system"


def test_saving_an_unchanged_account_or_a_login_logs_nothing(client, people):
    before = ActivityLog.objects.count()
    people.alice.save()
    client.force_login(people.alice)  # writes last_login
    assert ActivityLog.objects.count() == before


def test_a_password_change_is_logged_without_the_password(people):
    alice = people.alice
    old_hash = alice.password
    with acting_as(lambda: people.otto):
        alice.set_password(NEW_PASSWORD)
        alice.save()
    (entry,) = history(alice, LogAction.PASSWORD_CHANGE)
    assert entry.actor == people.otto
    assert entry.data == {"usable": {"from": True, "to": True}}
    assert old_hash not in str(entry.data) and alice.password not in str(entry.data)


class QuickHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_quick"
    iterations = 1000


def test_a_password_hash_upgraded_at_login_is_no_change(people, settings):
    settings.PASSWORD_HASHERS = [
        "tests.test_activity_log.QuickHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert people.alice.check_password(factories.PASSWORD)  # rehashed and saved
    people.alice.refresh_from_db()
    assert people.alice.password.startswith("pbkdf2_quick$")
    assert history(people.alice, LogAction.PASSWORD_CHANGE) == []


def test_groups_are_logged_from_either_side(people):
    alice = people.alice
    organisers = Group.objects.get(name=ORGANISERS_GROUP)
    alice.groups.add(organisers)
    organisers.user_set.remove(alice)
    added, removed = reversed(history(alice, LogAction.GROUPS))
    assert added.data == {"groups": {"from": [], "to": [ORGANISERS_GROUP]}}
    assert removed.data == {"groups": {"from": [ORGANISERS_GROUP], "to": []}}
    organisers.user_set.add(alice)
    organisers.user_set.clear()
    assert history(alice, LogAction.GROUPS)[0].data == {
        "groups": {"from": [ORGANISERS_GROUP], "to": []}
    }


def test_the_person_changing_their_password_is_logged_once(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": factories.PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    (entry,) = ActivityLog.objects.about(people.alice).filter(action__startswith="password")
    assert (entry.action, entry.actor) == (LogAction.PASSWORD_CHANGE, people.alice)


def test_a_password_reset_by_link_is_logged_as_done_by_the_person(client, people):
    client.post(reverse("account_reset_password"), {"email": people.alice.email})
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    (entry,) = ActivityLog.objects.about(people.alice).filter(action__startswith="password")
    assert (entry.action, entry.actor) == (LogAction.PASSWORD_RESET, people.alice)


def test_a_change_in_the_admin_is_logged_with_the_organiser(client, people):
    client.force_login(people.otto)
    alice = people.alice
    url = reverse("admin:matchmaking_user_change", args=[alice.pk])
    data = {
        "email": alice.email,
        "display_name": alice.display_name,
        "first_name": "",
        "last_name": "",
        "language": alice.language,
        "time_zone": alice.time_zone,
        "is_staff": "on",
        "groups": [Group.objects.get(name=ORGANISERS_GROUP).pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = history(alice, LogAction.CHANGE)[0]
    assert change.data == {
        "is_active": {"from": True, "to": False},
        "is_staff": {"from": False, "to": True},
    }
    assert change.actor == people.otto
    groups = history(alice, LogAction.GROUPS)[0]
    assert groups.data == {"groups": {"from": [], "to": [ORGANISERS_GROUP]}}
    assert groups.actor == people.otto


def test_a_password_set_in_the_admin_names_who_set_it(client, people):
    boss = factories.UserFactory(email="boss@innohealth.example", is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[people.alice.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    (entry,) = history(people.alice, LogAction.PASSWORD_CHANGE)
    assert entry.actor == boss


def test_the_history_outlives_the_person_who_acted(people):
    with acting_as(lambda: people.otto):
        people.alice.is_active = False
        people.alice.save()
    name = f"{people.otto} <{people.otto.email}>"
    people.otto.delete()
    (entry,) = history(people.alice, LogAction.CHANGE)
    assert entry.actor is None
    assert entry.actor_name == name and entry.who == name
