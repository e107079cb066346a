"""Video that works from China: each tour lists its video services with a default; a meeting
records its service; the partner picks another one of the tour's and gives a link of its
domains; the other side is told, with the service named and the link as a link."""

import icalendar
import pytest
from django.urls import reverse

from matchmaking.models import Meeting, OutboxMessage, VideoProvider
from matchmaking.notifications.mime import build_email
from matchmaking.services import DomainError
from matchmaking.services.requests import accept_request
from matchmaking.services.video import replace_video_link

from .conftest import berlin

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(people):
    tour = people.tour
    return {
        "jitsi": VideoProvider.objects.create(
            tour=tour,
            name="Jitsi (InnoHealth)",
            domains="video.innohealth.example",
            room_base_url="https://video.innohealth.example",
            is_default=True,
        ),
        "voov": VideoProvider.objects.create(
            tour=tour, name="Tencent Meeting / VooV", domains="meeting.tencent.com voovmeeting.com"
        ),
        "any": VideoProvider.objects.create(tour=tour, name="Another service"),
    }


@pytest.fixture
def meeting(people, ask, providers):
    request = ask(people)
    accept_request(actor=people.chen, request=request, start=berlin(22, 9))
    return Meeting.objects.get(request=request)


def _state(meeting):
    return Meeting.objects.filter(pk=meeting.pk).values(
        "video_url", "video_provider", "sequence"
    ).get(), OutboxMessage.objects.filter(kind="video_link_changed").count()


def test_a_new_meeting_gets_a_room_of_the_tours_default_service(meeting, providers):
    assert meeting.video_provider == providers["jitsi"]
    assert meeting.video_url.startswith("https://video.innohealth.example/InnoHealth-")


def test_the_partner_picks_voov_and_the_tandem_is_told_with_the_service_and_the_link(
    client, people, meeting, providers
):
    client.force_login(people.chen)
    page = client.get(reverse("schedule")).content.decode()
    assert "Tencent Meeting / VooV" in page and 'name="provider"' in page
    url = "https://meeting.tencent.com/dm/abc123"
    response = client.post(
        reverse("meeting_video", args=[meeting.pk]), {"provider": providers["voov"].pk, "url": url}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.video_url, meeting.video_provider, meeting.sequence) == (
        url,
        providers["voov"],
        1,
    )
    rows = OutboxMessage.objects.filter(kind="video_link_changed")
    assert sorted(rows.values_list("email", flat=True)) == [
        "alice@tandem.example",
        "anton@tandem.example",
    ]
    email = build_email(rows.get(email="alice@tandem.example"))
    html = dict((m, c) for c, m in email.alternatives)["text/html"]
    assert "Tencent Meeting / VooV" in email.body and url in email.body
    assert f'<a href="{url}">' in html
    event = icalendar.Calendar.from_ical(rows.first().ics).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1 and str(event["URL"]) == url
    assert "Tencent Meeting / VooV" in str(event["DESCRIPTION"])
    client.force_login(people.alice)
    detail = client.get(reverse("request_detail", args=[meeting.request_id])).content.decode()
    assert "Tencent Meeting / VooV" in detail and f'href="{url}"' in detail


@pytest.mark.parametrize(
    ("provider", "url", "message"),
    [
        ("voov", "https://zoom.us/j/123", "zoom.us is not an address of Tencent Meeting / VooV"),
        ("voov", "https://evil-meeting.tencent.com.example/x", "is not an address of"),
        (None, "https://meeting.tencent.com/dm/1", "This field is required."),
    ],
)
def test_a_link_outside_the_tours_services_is_refused_nothing_changes_nobody_is_told(
    client, people, meeting, providers, provider, url, message
):
    before = _state(meeting)
    people.chen.language = "en"
    people.chen.save()
    client.force_login(people.chen)
    data = {"url": url, **({"provider": providers[provider].pk} if provider else {})}
    response = client.post(reverse("meeting_video", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state(meeting) == before


def test_a_free_https_link_only_where_the_tour_allows_it(people, meeting, providers):
    replace_video_link(
        actor=people.chen,
        meeting=meeting,
        url="https://any.example.org/r",
        provider=providers["any"],
    )
    other_tour = VideoProvider.objects.create(
        tour=people.other_tandem.tour.__class__.objects.create(name="Other", slug="other"),
        name="Elsewhere",
    )
    with pytest.raises(DomainError):
        replace_video_link(
            actor=people.chen, meeting=meeting, url="https://any.example.org/s", provider=other_tour
        )


def test_the_chinese_partner_reads_the_refusal_in_chinese(client, people, meeting, providers):
    people.chen.language = "zh-hans"
    people.chen.save()
    client.force_login(people.chen)
    response = client.post(
        reverse("meeting_video", args=[meeting.pk]),
        {"provider": providers["voov"].pk, "url": "https://zoom.us/j/1"},
    )
    assert response.status_code == 400
    assert "zoom.us 不是 Tencent Meeting / VooV 的地址" in response.content.decode()


def test_organisers_list_a_tours_video_providers_on_the_tour_page(client, people):
    from tests.notifications.test_messages import admin_form_data

    client.force_login(people.otto)
    url = reverse("admin:matchmaking_tour_change", args=[people.tour.pk])
    page = client.get(url)
    assert "video_providers-TOTAL_FORMS" in page.content.decode()
    data = admin_form_data(page)
    for key in [k for k in data if k.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))]:
        data[key] = "0"  # leave the days and supporters as they are
    data.update(
        {
            "video_providers-TOTAL_FORMS": "1",
            "video_providers-0-name": "Tencent Meeting / VooV",
            "video_providers-0-domains": "meeting.tencent.com voovmeeting.com",
            "video_providers-0-room_base_url": "",
            "video_providers-0-is_default": "on",
            "video_providers-0-position": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, [
        f.errors for f in response.context["inline_admin_formsets"]
    ]
    provider = VideoProvider.objects.get(tour=people.tour)
    assert (provider.name, provider.is_default) == ("Tencent Meeting / VooV", True)
    assert provider.allows("https://voovmeeting.com/x") and not provider.allows("https://zoom.us/")
