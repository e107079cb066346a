"""allauth's e-mails (address verification, password reset) go through the outbox like every
other e-mail, in the language of the person the address belongs to."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from matchmaking.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db
RESET_LINK = r"https?://\S+(/accounts/password/reset/key/\S+/)"


def ask_for_reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email})


def test_a_password_reset_is_an_outbox_row_in_the_recipients_language(client, people, deliver):
    people.alice.language = "de"
    people.alice.save()
    ask_for_reset(client, people.alice.email)  # the browser asks in English
    [row] = OutboxMessage.objects.filter(kind="account_email")
    assert (row.recipient, row.email, row.language) == (people.alice, people.alice.email, "de")
    assert re.search(RESET_LINK, row.context["text"])

    [sent] = deliver()
    row.refresh_from_db()
    assert row.sent_at is not None
    assert sent.to == [people.alice.email]
    assert sent.extra_headers["Content-Language"] == "de"
    assert sent.subject.count("[InnoHealth]") == 1
    with translation.override("de"):
        assert gettext("Password Reset Email") in sent.subject
    assert gettext("Password Reset Email") not in sent.subject
    html = sent.alternatives[0][0]
    path = re.search(RESET_LINK, sent.body).group(1)
    assert f"{path}</a>" in html
    assert client.get(path).status_code in (200, 302)


def test_a_reset_asked_for_twice_is_two_messages(client, people, deliver):
    ask_for_reset(client, people.alice.email)
    ask_for_reset(client, people.alice.email)
    assert OutboxMessage.objects.filter(kind="account_email").count() == 2
    assert len(deliver()) == 2


def test_the_verification_e_mail_is_in_the_recipients_language(client, tour, deliver):
    user = factories.UserFactory(verified=False, language="zh-hans")
    client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    [row] = OutboxMessage.objects.filter(kind="account_email")
    assert (row.recipient, row.language) == (user, "zh-hans")
    [sent] = deliver()
    assert "/accounts/confirm-email/" in sent.body
    with translation.override("zh-hans"):
        assert gettext("Please Confirm Your Email Address") in sent.subject


def test_an_unknown_address_is_told_in_the_browsers_language(client, db, deliver):
    client.post(
        reverse("account_reset_password"),
        {"email": "nobody@example.org"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    [row] = OutboxMessage.objects.filter(kind="account_email")
    assert (row.recipient, row.email, row.language) == (None, "nobody@example.org", "de")
    [sent] = deliver()
    assert sent.to == ["nobody@example.org"]
