import re

import pytest
from django.conf import settings
from django.urls import reverse

from . import factories

pytestmark = pytest.mark.django_db


def login(client, email, password=factories.PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.parametrize(
    ("person", "landing"),
    [
        ("alice", "/tandem/"),
        ("chen", "/partner/"),
        ("otto", "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_page_after_login(client, people, person, landing):
    response = login(client, getattr(people, person).email)
    assert response.status_code == 302
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_login_is_by_email_and_case_insensitive(client, people):
    assert login(client, "ALICE@tandem.example")["Location"] == "/tandem/"


def test_a_wrong_password_is_refused_with_a_message(client, people):
    response = login(client, people.alice.email, "wrong")
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert "_auth_user_id" not in client.session


def test_an_unverified_email_must_be_verified_first(client, tour, deliver):
    user = factories.UserFactory(verified=False)
    response = login(client, user.email)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    sent = deliver()
    assert len(sent) == 1 and user.email in sent[0].to


def test_there_is_no_open_sign_up(client, db):
    response = client.get(reverse("account_signup"))
    assert b"Sign Up Closed" in response.content or response.status_code == 403
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "x-long-password-1",
            "password2": "x-long-password-1",
        },
    )
    from matchmaking.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_password_reset_sends_a_link(client, people, deliver, settings):
    settings.SITE_URL = "https://matchmaking.example.org"
    response = client.post(reverse("account_reset_password"), {"email": people.alice.email})
    assert response.status_code == 302
    sent = deliver()
    assert len(sent) == 1
    assert "/accounts/password/reset/key/" in sent[0].body
    # Named as the portal at its public address, not as the host the request came to.
    assert "Hello from InnoHealth Matchmaking!" in sent[0].body
    assert "Thank you for using InnoHealth Matchmaking!\nmatchmaking.example.org" in sent[0].body


def test_the_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_profile_chooses_language_and_time_zone(client, people):
    people.chen.language, people.chen.time_zone = "zh-hans", "Asia/Shanghai"
    people.chen.save()
    client.force_login(people.chen)
    response = client.get("/partner/")
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"
    assert b'lang="zh-hans"' in response.content


def test_the_login_greeting_is_in_the_language_of_the_person(client, people):
    people.chen.language = "zh-hans"
    people.chen.save()
    response = login(client, people.chen.email)
    page = client.get(response["Location"])
    greeting = [str(m) for m in page.context["messages"]]
    assert greeting and "Successfully signed in" not in greeting[0]
    client.logout()
    response = login(client, people.alice.email)
    assert "Successfully signed in" in str(
        list(client.get(response["Location"]).context["messages"])[0]
    )


def test_the_login_page_offers_no_sign_up_but_a_password_reset(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in page
    assert reverse("account_reset_password") in page
    assert 'name="login"' in page and 'name="password"' in page


# Longer than the 254 characters an address column holds, yet valid to Django's e-mail field
# (which allows 320): a reset by a stranger or an added address must not reach the database.
TOO_LONG_ADDRESS = "x" * 60 + "@" + ".".join(["d" * 60] * 4) + ".example"


def test_a_password_reset_for_an_overlong_address_is_refused_with_a_message(client, db):
    assert 254 < len(TOO_LONG_ADDRESS) <= 320
    response = client.post(reverse("account_reset_password"), {"email": TOO_LONG_ADDRESS})
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()


def test_adding_an_overlong_address_is_refused_with_a_message(client, people):
    client.force_login(people.alice)
    response = client.post(reverse("account_email"), {"email": TOO_LONG_ADDRESS, "action_add": "1"})
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()
    assert not people.alice.emailaddress_set.filter(email__startswith="xxx").exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Too many attempts"), ("de", "Zu viele Versuche"), ("zh-hans", "尝试次数过多")],
)
def test_too_many_password_resets_get_the_portals_page_in_the_visitors_language(
    client, people, language, heading
):
    """allauth answers a rate limit with its 429 template; without one it writes a bare English
    page outside the portal's design."""
    reset = reverse("account_reset_password")
    answers = [
        client.post(reset, {"email": people.alice.email}, HTTP_ACCEPT_LANGUAGE=language)
        for _ in range(6)
    ]
    assert [a.status_code for a in answers[:5]] == [302] * 5
    page = answers[5]
    assert page.status_code == 429
    html = page.content.decode()
    assert f'<html lang="{language}">' in html and 'class="site-header"' in html
    assert heading in html


def test_a_reset_for_an_unknown_address_points_to_the_organisers_not_to_a_sign_up(
    client, db, deliver
):
    """allauth tells an unknown address it may sign up, at a page that is closed here."""
    response = client.post(
        reverse("account_reset_password"),
        {"email": "stranger@example.org"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 302
    [sent] = deliver()
    assert sent.to == ["stranger@example.org"]
    assert reverse("account_signup") not in sent.body
    assert "Konten legen die Veranstalter an" in sent.body


def test_a_chinese_reader_is_greeted_in_chinese_by_the_password_reset_e_mail(
    client, people, deliver
):
    """allauth's Chinese catalogue leaves the greeting of its e-mails half English."""
    people.chen.language = "zh-hans"
    people.chen.save(update_fields=["language"])
    client.post(reverse("account_reset_password"), {"email": people.chen.email})
    [sent] = deliver()
    greeting = sent.body.splitlines()[0]
    assert "Hello" not in greeting and "您好" in greeting


def test_the_reset_link_opens_in_the_language_of_its_e_mail(client, people, deliver):
    """Chen reads the e-mail in Chinese on a laptop whose browser asks for English: the page
    the link opens, and the one it sends on to, speak Chinese; the switcher still wins."""
    client.post(reverse("account_reset_password"), {"email": people.chen.email})
    [sent] = deliver()
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", sent.body).group(1)

    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="zh-hans">' in html
    assert 'name="password1"' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    again = client.get(page.redirect_chain[-1][0], HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="de">' in again.content.decode()


@pytest.mark.parametrize("uidb36", ["zzzzzzzzzzzzzzzzzzzzzzzzzz", "0", "999999"])
def test_a_reset_link_for_nobody_gets_the_bad_link_page(client, db, uidb36):
    response = client.get(f"/accounts/password/reset/key/{uidb36}-abc-def/")
    assert response.status_code == 200
    assert "password reset link was invalid" in response.content.decode()
