"""My schedule: meetings and sessions in time order, in two zones, with the video link; an .ics
for each item; a personal calendar feed behind a secret, revocable token."""

import re

import icalendar
import pytest
from django.urls import reverse

from matchmaking.models import CalendarFeed
from tests import factories

from .conftest import berlin

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(people, meeting):
    early = factories.SessionFactory(
        tour=people.tour, title="Opening keynote", starts_at=berlin(22, 7), ends_at=berlin(22, 8)
    )
    late = factories.SessionFactory(
        tour=people.tour, title="Roundtable", starts_at=berlin(23, 12), ends_at=berlin(23, 13)
    )
    hidden = factories.SessionFactory(
        tour=people.tour, title="Not yet published", is_published=False
    )
    for session in (early, late, hidden):
        session.tandems.add(people.tandem)
    return early, meeting, late


def test_meetings_and_sessions_in_time_order_with_video_links(client, people, agenda):
    early, meeting, late = agenda
    client.force_login(people.alice)
    page = client.get(reverse("schedule")).content.decode()
    positions = [
        page.index(t) for t in ("Opening keynote", "CardioSense ↔ BGI Group", "Roundtable")
    ]
    assert positions == sorted(positions)
    assert "Not yet published" not in page
    assert meeting.video_url in page
    assert '>09:00–09:30 <span class="zone">Berlin</span>' in page
    assert "(16:00–16:30 Shanghai)" in page


def test_an_ics_for_a_meeting_in_the_viewers_zone(client, people, meeting):
    client.force_login(people.chen)
    response = client.get(reverse("meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Shanghai" and start.hour == 16
    assert str(event["uid"]) == meeting.uid
    assert str(event["location"]) == meeting.video_url
    # The partner's entry names the partner, not the tandem's addresses (nor anyone else's).
    assert str(event["attendee"]) == f"mailto:{people.chen.email}"
    assert people.alice.email not in response.content.decode()


def test_an_ics_for_a_session(client, people, agenda):
    early = agenda[0]
    client.force_login(people.alice)
    response = client.get(reverse("session_ics", args=[early.pk]))
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["summary"]) == "Opening keynote"
    assert event.decoded("dtstart").hour == 7


def test_the_calendar_feed_is_issued_read_without_login_regenerated_and_revoked(
    client, people, agenda
):
    client.force_login(people.alice)
    client.post(reverse("calendar_feed_issue"))
    token = CalendarFeed.objects.get(user=people.alice).token
    assert len(token) >= 40
    page = client.get(reverse("schedule")).content.decode()
    assert f"/calendar/{token}.ics" in page

    client.logout()
    feed = client.get(reverse("calendar_feed", args=[token]))
    assert feed.status_code == 200
    summaries = {
        str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    }
    assert summaries == {"Opening keynote", "CardioSense ↔ BGI Group", "Roundtable"}

    client.force_login(people.alice)
    client.post(reverse("calendar_feed_issue"))  # a new address replaces the old one
    new_token = CalendarFeed.objects.get(user=people.alice).token
    assert new_token != token
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new_token])).status_code == 200

    client.post(reverse("calendar_feed_revoke"))
    assert not CalendarFeed.objects.filter(user=people.alice).exists()
    assert client.get(reverse("calendar_feed", args=[new_token])).status_code == 404


def test_the_feed_is_refused_for_a_wrong_token_and_a_get_cannot_issue_one(client, people):
    assert client.get(reverse("calendar_feed", args=["guessed-token"])).status_code == 404
    client.force_login(people.alice)
    assert client.get(reverse("calendar_feed_issue")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_a_feed_of_a_deactivated_person_stops(client, people):
    client.force_login(people.alice)
    client.post(reverse("calendar_feed_issue"))
    token = CalendarFeed.objects.get().token
    people.alice.is_active = False
    people.alice.save()
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_the_schedule_has_day_headings_and_end_times(client, people, agenda):
    people.alice.language = "de"
    people.alice.save()
    client.force_login(people.alice)
    page = client.get(reverse("schedule")).content.decode()
    headings = re.findall(r'<h2 id="day-\d+">([^<]+)</h2>', page)
    assert headings == ["Montag, 22. März 2027", "Dienstag, 23. März 2027"]
    assert page.index(headings[0]) < page.index("CardioSense ↔ BGI Group")
    assert '>09:00–09:30 <span class="zone">Berlin</span>' in page


def test_the_feed_is_named_in_the_persons_language(client, people, meeting):
    people.alice.language = "en"
    people.alice.save()
    client.force_login(people.alice)
    client.post(reverse("calendar_feed_issue"))
    token = CalendarFeed.objects.get(user=people.alice).token
    feed = icalendar.Calendar.from_ical(client.get(reverse("calendar_feed", args=[token])).content)
    assert str(feed["NAME"]) == "InnoHealth Matchmaking: my schedule"
    assert str(feed["X-WR-CALNAME"]) == "InnoHealth Matchmaking: my schedule"
    # The reader is the only attendee of every entry in it.
    attendees = {str(e.get("attendee")) for e in feed.walk("VEVENT")}
    assert attendees == {f"mailto:{people.alice.email}"}
