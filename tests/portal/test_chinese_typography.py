"""Chinese is written with its own punctuation: 、 between names, ： before a value, no space
after a full stop; German and English keep theirs."""

import pytest
from django.urls import reverse

from matchmaking.models import OutboxMessage
from matchmaking.notifications.mime import build_email
from tests import factories

pytestmark = pytest.mark.django_db


def _reader(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def _two_topics_and_a_request(people, ask):
    people.tandem.topics.set(
        [
            factories.TopicFactory(name_en="AI diagnostics"),
            factories.TopicFactory(name_en="Wearables"),
        ]
    )
    return ask(people)


def test_a_representative_reading_chinese_sees_chinese_punctuation(client, people, ask):
    request = _two_topics_and_a_request(people, ask)
    client.force_login(_reader(people.chen, "zh-hans"))

    tandem_page = client.get(reverse("tandem_detail", args=[people.tandem.pk])).content.decode()
    request_page = client.get(reverse("request_detail", args=[request.pk])).content.decode()

    assert "AI diagnostics、Wearables" in tandem_page or "Wearables、AI diagnostics" in tandem_page
    assert "。 " not in request_page.split("<main")[1]
    assert "：" in request_page and "自 " in request_page
    assert "由科研-创业组合于 " in request_page and "发起, " not in request_page


def test_the_new_request_e_mail_in_chinese_has_no_latin_gaps(people, ask):
    _reader(people.chen, "zh-hans")
    ask(people)
    message = OutboxMessage.objects.get(kind="request_received", recipient=people.chen)
    text = build_email(message).body
    assert "。 " not in text
    link_line = next(line for line in text.splitlines() if "/requests/" in line)
    assert "：http" in link_line.replace(" ", "")
    assert ": http" not in link_line


def test_german_keeps_its_comma_colon_and_space(client, people, ask):
    request = _two_topics_and_a_request(people, ask)
    client.force_login(_reader(people.chen, "de"))
    tandem_page = client.get(reverse("tandem_detail", args=[people.tandem.pk])).content.decode()
    assert "AI diagnostics, Wearables" in tandem_page or "Wearables, AI diagnostics" in tandem_page
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "an der Reihe. " in page and "Wartet seit" in page
