"""Each person switches optional e-mails off; the unsubscribe link works without logging in."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking.enums import Direction
from matchmaking.models import Meeting, OutboxMessage
from matchmaking.notifications.preferences import muted_preferences
from matchmaking.services import outbox
from matchmaking.services import requests as request_services
from matchmaking.services.preferences import mute

from .. import factories

pytestmark = pytest.mark.django_db


def ask(people):
    return request_services.request_meeting(
        actor=people.alice,
        tandem=people.tandem,
        institution=people.institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="Hello",
    )


def test_the_preferences_page_switches_optional_e_mails_off_but_not_meeting_changes(client, people):
    client.force_login(people.chen)
    url = reverse("notification_preferences")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "request_nudges": "on",
            "reminders": "on",
            "outcome_questions": "on",
            "follow_up_reminders": "on",
        },
    )
    assert response.status_code == 302
    assert muted_preferences(people.chen) == ["request_updates"]
    request = ask(people)
    assert not OutboxMessage.objects.filter(email=people.chen.email).exists()
    request_services.accept_request(actor=people.chen, request=request)
    assert OutboxMessage.objects.filter(email=people.chen.email, kind="meeting_scheduled").exists()
    assert Meeting.objects.filter(request=request).exists()


def test_preferences_need_a_login(client):
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_each_optional_e_mail_carries_a_working_unsubscribe_link(client, people):
    ask(people)
    outbox.send_message(OutboxMessage.objects.get().pk)
    [sent] = mail.outbox
    link = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in sent.body
    path = link.removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200 and not muted_preferences(people.chen)
    assert client.post(path).status_code == 200  # no login, no CSRF token: one-click
    assert muted_preferences(people.chen) == ["request_updates"]
    assert client.get(path[:-3] + "xx/").status_code == 404


def test_the_unsubscribe_link_opens_in_the_language_of_its_e_mail(client, people):
    """Chen reads the Chinese e-mail; the browser that opens the link asks for English."""
    people.chen.language = "zh-hans"
    people.chen.save(update_fields=["language"])
    ask(people)
    outbox.send_message(OutboxMessage.objects.get().pk)
    [sent] = mail.outbox
    path = sent.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")

    html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="zh-hans">' in html and "Unsubscribe" not in html


def test_e_mails_switched_off_after_they_were_queued_are_not_sent(people):
    ask(people)
    row = OutboxMessage.objects.get()
    mute(user=people.chen, preference="request_updates")
    assert outbox.send_message(row.pk) == "skipped"
    assert mail.outbox == []


def test_the_account_preferences_page_links_to_the_e_mail_preferences(client, people):
    client.force_login(people.alice)
    response = client.get(reverse("preferences"))
    assert reverse("notification_preferences").encode() in response.content


def test_the_preferences_of_all_recipients_are_read_in_one_query(people):
    colleagues = [
        factories.RepresentativeFactory(institution=people.institution).user for _ in range(4)
    ]
    for person in colleagues[:2]:
        mute(user=person, preference="request_updates")
    with CaptureQueriesContext(connection) as context:
        ask(people)
    reads = [q["sql"] for q in context if "notificationpreference" in q["sql"]]
    assert len(reads) == 1
    told = set(OutboxMessage.objects.values_list("email", flat=True))
    assert told == {people.chen.email, *(p.email for p in colleagues[2:])}
