"""Each meeting has its own video room on the configured server; the partner can replace it
with a service that works in China; only the two sides and organisers see it."""

import pytest
from django.urls import reverse

from matchmaking.models import ActivityLog
from matchmaking.services import DomainError
from matchmaking.services.requests import accept_request
from matchmaking.services.video import replace_video_link

from .conftest import berlin

pytestmark = pytest.mark.django_db


def test_each_meeting_gets_its_own_room_on_the_configured_server(settings, people, ask):
    settings.VIDEO_BASE_URL = "https://video.innohealth.example"
    one, two = ask(people), ask(people, tandem=people.other_tandem, by=people.bob)
    accept_request(actor=people.chen, request=one, start=berlin(22, 9))
    accept_request(actor=people.chen, request=two, start=berlin(22, 10))
    urls = {one.meeting.video_url, two.meeting.video_url}
    assert len(urls) == 2
    assert all(u.startswith("https://video.innohealth.example/") for u in urls)


def test_the_partner_replaces_the_link_and_the_calendar_sequence_rises(client, people, meeting):
    client.force_login(people.chen)
    response = client.post(
        reverse("meeting_video", args=[meeting.pk]), {"url": "https://meeting.example.cn/r/123"}
    )
    assert response.status_code == 302
    before, old_url = meeting.sequence, meeting.video_url
    meeting.refresh_from_db()
    assert meeting.video_url == "https://meeting.example.cn/r/123"
    assert meeting.sequence == before + 1
    entry = ActivityLog.objects.about(meeting).get(action="video_link")
    assert entry.data == {"video_url": {"from": old_url, "to": "https://meeting.example.cn/r/123"}}
    assert entry.actor == people.chen and entry.actor_name == f"{people.chen} <{people.chen.email}>"


def test_the_tandem_cannot_replace_the_link(client, people, meeting):
    old = meeting.video_url
    with pytest.raises(DomainError):
        replace_video_link(actor=people.alice, meeting=meeting, url="https://x.example.org/a")
    client.force_login(people.alice)
    response = client.post(
        reverse("meeting_video", args=[meeting.pk]), {"url": "https://x.example.org/a"}
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.video_url == old


@pytest.mark.parametrize(
    "url", ["", "javascript:alert(1)", "http://plain.example.org/x", "x" * 300]
)
def test_a_bad_link_is_refused_with_a_message(client, people, meeting, url):
    old = meeting.video_url
    client.force_login(people.chen)
    response = client.post(reverse("meeting_video", args=[meeting.pk]), {"url": url})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.video_url == old


def test_the_link_is_shown_only_to_the_two_sides_and_organisers(client, people, meeting):
    for person in (people.alice, people.chen, people.otto):
        client.force_login(person)
        page = client.get(reverse("request_detail", args=[meeting.request_id])).content.decode()
        assert meeting.video_url in page, person
    for person in (people.bob, people.olga):
        client.force_login(person)
        for url in (reverse("schedule"), reverse("home"), reverse("dashboard")):
            assert meeting.video_url not in client.get(url, follow=True).content.decode()
        assert client.get(reverse("request_detail", args=[meeting.request_id])).status_code == 404
    client.logout()
    assert meeting.video_url not in client.get(reverse("home")).content.decode()
