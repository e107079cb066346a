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


NEW_PASSWORD = "an-even-longer-new-passphrase"
# allauth's security notices, with the context each one comes with.
NOTICES = {
    "account/email/password_changed": {},
    "account/email/password_set": {},
    "account/email/password_reset": {},
    "account/email/email_changed": {
        "from_email": "old@tandem.example",
        "to_email": "new@x.example",
    },
    "account/email/email_confirm": {},
    "account/email/email_deleted": {"deleted_email": "old@tandem.example"},
    "mfa/email/totp_activated": {},
    "mfa/email/totp_deactivated": {},
    "mfa/email/recovery_codes_generated": {},
}


def test_a_changed_password_is_told_in_the_persons_language(client, people, deliver):
    people.alice.language = "de"
    people.alice.save()
    client.force_login(people.alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": factories.PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [row] = OutboxMessage.objects.filter(kind="account_email")
    assert (row.recipient, row.email, row.language) == (people.alice, people.alice.email, "de")
    [sent] = deliver()
    with translation.override("de"):
        assert gettext("Your password has been changed.") in sent.body
    with translation.override("en"):
        assert gettext("Your password has been changed.") not in sent.body


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_every_security_notice_renders_in_the_account_holders_language(rf, people, language):
    from allauth.account.adapter import get_adapter
    from allauth.core import context

    people.alice.language = language
    people.alice.save()
    request = rf.get("/", HTTP_USER_AGENT="Firefox", REMOTE_ADDR="192.0.2.1")
    with context.request_context(request):
        for prefix, extra in NOTICES.items():
            # The old address of a changed e-mail no longer names the account.
            get_adapter(request).send_notification_mail(
                prefix, people.alice, extra, email="old@tandem.example"
            )
    rows = OutboxMessage.objects.filter(kind="account_email")
    assert rows.count() == len(NOTICES)
    for row in rows:
        assert (row.recipient, row.language) == (people.alice, language)
        assert row.context["subject"] and "192.0.2.1" in row.context["text"]
        assert "{{" not in row.context["text"] and "{%" not in row.context["text"]
