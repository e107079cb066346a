"""The organisers' landing page (the admin index): its figures against counts made here from the
rows on the demo and on ten times the demo with the same number of queries, its SVG charts
against their tables, the buttons of "needs you now" with their history and e-mails, and who
may use them."""

import re
import statistics
import xml.etree.ElementTree as ET
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import LogAction, MeetingStatus, MemberRole, RequestStatus, SessionKind
from matchmaking.models import (
    ActivityLog,
    Institution,
    Meeting,
    MeetingRequest,
    OutboxMessage,
    OutboxStatus,
    Session,
    Tandem,
    Tour,
    User,
)
from matchmaking.notifications.recipients import session_people
from matchmaking.selectors.figures import needs_attention, tour_figures
from matchmaking.selectors.schedule import SHOWN_MEETING_STATUSES
from matchmaking.services.invitations import create_invitation
from matchmaking.services.registrations import register_for_session
from tests import demo_copy, factories
from tests.demo_growth import multiply_demo

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
ORGANISER = "organiser@innohealth.example"


# --- the figures against the rows ------------------------------------------------------------


def _counted_here(tour: Tour) -> dict:
    """The figures counted one row at a time in Python, without the selector."""
    requests = list(MeetingRequest.objects.filter(tour=tour))
    per_day: dict = {}
    for r in requests:
        day = per_day.setdefault(r.created_at.astimezone(BERLIN).date(), {})
        day[r.status] = day.get(r.status, 0) + 1
    answered = [
        r.acted_at - r.created_at
        for r in requests
        if r.status in (RequestStatus.ACCEPTED, RequestStatus.DECLINED) and r.acted_at
    ]
    meetings = list(Meeting.objects.filter(tour=tour))
    met_tandems = {m.tandem_id for m in meetings if m.status in SHOWN_MEETING_STATUSES}
    met_institutions = {m.institution_id for m in meetings if m.status in SHOWN_MEETING_STATUSES}
    return {
        "requests": {s: sum(r.status == s for r in requests) for s in RequestStatus.values},
        "per_day": per_day,
        "median": statistics.median(answered) if answered else None,
        "meetings": {s: sum(m.status == s for m in meetings) for s in MeetingStatus.values},
        "tandems_without": sorted(
            t.pk for t in Tandem.objects.filter(tour=tour) if t.pk not in met_tandems
        ),
        "institutions_without": sorted(
            i.pk for i in Institution.objects.filter(tours=tour) if i.pk not in met_institutions
        ),
        "fill": {
            s.pk: len(session_people(s))
            for s in Session.objects.filter(tour=tour, is_published=True)
        },
    }


def _from_selector(tour: Tour) -> tuple[dict, int, int]:
    with CaptureQueriesContext(connection) as queries:
        figures = tour_figures(tour, BERLIN)
        attention = needs_attention(tour, timezone.now())
    found = {
        "requests": {s: figures.requests.get(s, 0) for s in RequestStatus.values},
        "per_day": {d.day: {s: n for s, n in d.counts.items() if n} for d in figures.days},
        "median": figures.median_answer,
        "meetings": figures.meetings,
        "tandems_without": sorted(t.pk for t in figures.tandems_without_meeting),
        "institutions_without": sorted(i.pk for i in figures.institutions_without_meeting),
        "fill": {fill.session.pk: fill.people for fill in figures.sessions},
    }
    assert attention.total >= 0
    return found, len(queries), figures.sent


def _assert_same(found: dict, counted: dict) -> None:
    """The same figures; the median to the millisecond (PostgreSQL averages the two middle
    intervals in microseconds, Python in floating point)."""
    found, counted = dict(found), dict(counted)
    median, expected = found.pop("median"), counted.pop("median")
    assert found == counted
    assert (median is None) == (expected is None)
    assert median is None or abs(median - expected) < timedelta(milliseconds=1)


def _page_queries(client) -> int:
    client.force_login(User.objects.get(email=ORGANISER))
    cache.clear()  # both measures read the organiser's roles, none from the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert b'id="control-room"' in response.content
    return len(queries)


def _vary(tour: Tour) -> None:
    """Requests in every state the figures count, answered after different waits."""
    now = timezone.now()
    pending = list(MeetingRequest.objects.filter(tour=tour, status=RequestStatus.PENDING))
    declined, expired = pending[0], pending[1]
    MeetingRequest.objects.filter(pk=declined.pk).update(
        status=RequestStatus.DECLINED, turn="", acted_at=now + timedelta(hours=30)
    )
    MeetingRequest.objects.filter(pk=expired.pk).update(status=RequestStatus.EXPIRED, turn="")
    MeetingRequest.objects.filter(tour=tour, status=RequestStatus.ACCEPTED).update(
        created_at=now - timedelta(days=2)
    )


def test_figures_match_the_rows_on_the_demo_and_ten_times_it_with_the_same_queries(client):
    demo_copy.load()
    tour = Tour.objects.get(slug="innohealth-china")
    _vary(tour)
    found, queries, sent = _from_selector(tour)
    _assert_same(found, _counted_here(tour))
    assert sent == MeetingRequest.objects.filter(tour=tour).count() > 0
    assert len(found["per_day"]) == 2 and found["median"] is not None
    page = _page_queries(client)

    multiply_demo(tour, 10)
    grown, grown_queries, grown_sent = _from_selector(tour)
    _assert_same(grown, _counted_here(tour))
    assert grown_sent == 10 * sent
    assert grown_queries == queries
    assert _page_queries(client) == page


# --- charts and their tables ---------------------------------------------------------------


def _charts(html: str) -> dict[str, ET.Element]:
    found = {}
    for svg in re.findall(r'<svg class="chart".*?</svg>', html, re.S):
        element = ET.fromstring(svg)  # noqa: S314 — the page under test, not outside input
        found[element.get("data-chart")] = element
    return found


def _table(html: str, chart: str) -> dict[str, int]:
    table = re.search(
        rf'<table class="figures-table" data-chart="{chart}">(.*?)</table>', html, re.S
    )
    rows = re.findall(r'<th scope="row" data-series="(\w+)">[^<]*</th><td>(\d+)</td>', table[1])
    return {series: int(value) for series, value in rows}


def test_each_svg_chart_draws_the_numbers_of_its_table(client):
    demo_copy.load()
    tour = Tour.objects.get(slug="innohealth-china")
    _vary(tour)
    client.force_login(User.objects.get(email=ORGANISER))
    html = client.get(reverse("admin:index"), {"tour": tour.pk}).content.decode()
    charts = _charts(html)
    assert set(charts) == {"requests-per-day", "requests", "meetings", "sessions"}
    svg = "{http://www.w3.org/2000/svg}"
    for name in ("requests", "meetings"):
        bars = {r.get("data-series"): r for r in charts[name].iter(f"{svg}rect")}
        table = _table(html, name)
        assert {s: int(b.get("data-value")) for s, b in bars.items()} == table
        assert sum(table.values()) > 0
        # The lengths are to scale: the same width per request for every bar drawn.
        scales = {
            round(float(b.get("width")) / int(b.get("data-value")), 3)
            for b in bars.values()
            if int(b.get("data-value"))
        }
        assert len(scales) == 1
    # The day chart stacks each day's requests by what became of them, as the table lists them.
    stacked: dict[str, int] = {}
    for rect in charts["requests-per-day"].iter(f"{svg}rect"):
        stacked[rect.get("data-series")] = stacked.get(rect.get("data-series"), 0) + int(
            rect.get("data-value")
        )
    assert stacked == {s: n for s, n in _table(html, "requests").items() if n}
    fills = [int(r.get("data-value")) for r in charts["sessions"].iter(f"{svg}rect")]
    figures = tour_figures(tour, BERLIN)
    assert fills == [fill.used for fill in figures.sessions]


def test_the_page_is_in_the_organisers_language_and_zone(client):
    demo_copy.load()
    organiser = User.objects.get(email=ORGANISER)
    organiser.language, organiser.time_zone = "de", "Asia/Shanghai"
    organiser.save()
    client.force_login(organiser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Braucht Sie jetzt" in html and "Annahmequote" in html
    assert "Ihrer Zeitzone (Shanghai)" in html
    # A session at 07:00 in Berlin reads 14:00 in Shanghai first, Berlin beside it.
    assert '14:00 <span class="zone">Shanghai</span>' in html


# --- needs you now: the buttons ---------------------------------------------------------------


@pytest.fixture
def waiting(people):
    """LungScan's request to InferVision, unanswered for three days."""
    request = factories.MeetingRequestFactory(
        tandem=people.other_tandem, institution=people.other_institution
    )
    MeetingRequest.objects.filter(pk=request.pk).update(
        turn_since=timezone.now() - timedelta(days=3)
    )
    request.refresh_from_db()
    return request


def _post(client, name, tour, target, follow=True):
    return client.post(reverse(f"admin:{name}", args=[tour.pk]), {"target": target}, follow=follow)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_organiser_reminds_the_side_whose_turn_it_is(client, people, waiting, deliver):
    client.force_login(people.otto)
    page = client.get(reverse("admin:index"), {"tour": people.tour.pk}).content.decode()
    assert f'data-request="{waiting.pk}"' in page

    response = _post(client, "nudge_request", people.tour, waiting.pk)
    assert response.status_code == 200
    assert _messages(response) == [f"{waiting}: the side whose turn it is has been reminded."]
    entry = ActivityLog.objects.about(waiting).get(action=LogAction.NUDGE)
    assert entry.actor == people.otto and entry.data == {"turn": "institution", "reminded": 1}
    nudges = OutboxMessage.objects.filter(kind="request_nudge")
    assert [m.email for m in nudges] == [people.olga.email]
    sent = deliver()
    assert [m.to for m in sent] == [[people.olga.email]]

    # The same day again: nobody is reminded twice, nothing more is logged.
    again = _post(client, "nudge_request", people.tour, waiting.pk)
    assert "already reminded today" in _messages(again)[0]
    assert ActivityLog.objects.about(waiting).filter(action=LogAction.NUDGE).count() == 1
    assert nudges.count() == 1


def test_a_failed_e_mail_is_sent_again(client, people, waiting, deliver):
    from matchmaking import notifications

    notifications.request_nudge(waiting)
    message = OutboxMessage.objects.get(kind="request_nudge")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED, attempts=5, last_error="SMTPRecipientsRefused"
    )
    message.refresh_from_db()
    client.force_login(people.otto)
    page = client.get(reverse("admin:index"), {"tour": people.tour.pk}).content.decode()
    assert f'data-message="{message.pk}"' in page and "SMTPRecipientsRefused" in page
    assert f"Reminder to answer → {people.olga.email}" in page  # the kind in words, not its code

    response = _post(client, "retry_email", people.tour, message.pk)
    assert _messages(response) == [f"{message}: it will be sent again."]
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.attempts == 0
    entry = ActivityLog.objects.about(message).get()
    assert entry.action == LogAction.RETRY and entry.actor == people.otto
    assert [m.to for m in deliver()] == [[people.olga.email]]


def test_an_invitation_is_sent_again_to_who_has_not_logged_in(client, people, deliver):
    invitation = create_invitation(
        actor=people.otto,
        email="new@partner.example",
        name="Ms New",
        role="representative",
        institution=people.institution,
        tour=people.tour,
    )
    first_nonce = invitation.nonce
    client.force_login(people.otto)
    page = client.get(reverse("admin:index"), {"tour": people.tour.pk}).content.decode()
    assert f'data-invitation="{invitation.pk}"' in page

    response = _post(client, "resend_invitation", people.tour, invitation.pk)
    assert _messages(response) == [
        f"{invitation}: the invitation has been sent again with a new link."
    ]
    invitation.refresh_from_db()
    assert invitation.nonce != first_nonce
    actions = list(ActivityLog.objects.about(invitation).values_list("action", flat=True))
    assert actions == [LogAction.RESEND, LogAction.INVITE]
    rows = OutboxMessage.objects.filter(kind="invitation", email="new@partner.example")
    assert rows.count() == 2
    assert {tuple(m.to) for m in deliver()} == {("new@partner.example",)}


# --- who may, and bad input -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["nudge_request", "retry_email", "resend_invitation"])
def test_outsiders_cannot_press_the_buttons(client, people, waiting, name):
    clerk = factories.UserFactory(is_staff=True)  # staff, but not an organiser
    client.force_login(clerk)
    assert _post(client, name, people.tour, waiting.pk, follow=False).status_code == 403
    assert client.get(reverse("admin:index")).content.count(b'id="control-room"') == 0
    client.force_login(people.chen)  # a participant is sent to the admin's login
    response = _post(client, name, people.tour, waiting.pk, follow=False)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not ActivityLog.objects.filter(action=LogAction.NUDGE).exists()
    assert not OutboxMessage.objects.filter(kind="request_nudge").exists()


@pytest.mark.parametrize(
    ("name", "target", "said"),
    [
        ("nudge_request", "abc", "This meeting request does not exist in this tour."),
        ("nudge_request", "999999", "This meeting request does not exist in this tour."),
        ("retry_email", "", "This e-mail does not exist."),
        ("resend_invitation", "1e9", "This invitation does not exist in this tour."),
    ],
)
def test_bad_input_is_answered_clearly(client, people, name, target, said):
    client.force_login(people.otto)
    response = _post(client, name, people.tour, target)
    assert response.status_code == 200 and _messages(response) == [said]


def test_a_request_of_another_tour_or_already_answered_is_refused(client, people, waiting):
    other_tour = factories.TourFactory()
    client.force_login(people.otto)
    response = _post(client, "nudge_request", other_tour, waiting.pk)
    assert _messages(response) == ["This meeting request does not exist in this tour."]
    MeetingRequest.objects.filter(pk=waiting.pk).update(status=RequestStatus.DECLINED, turn="")
    waiting.refresh_from_db()
    response = _post(client, "nudge_request", people.tour, waiting.pk)
    assert _messages(response) == [f"{waiting}: This request is no longer waiting for an answer."]
    assert client.get(reverse("admin:nudge_request", args=[people.tour.pk])).status_code == 405
    assert not OutboxMessage.objects.filter(kind="request_nudge").exists()


def test_an_unknown_tour_shows_the_current_one_with_a_warning(client, people):
    client.force_login(people.otto)
    response = client.get(reverse("admin:index"), {"tour": "nope"}, follow=True)
    assert response.status_code == 200
    assert _messages(response) == ["There is no such tour; showing the current one."]
    assert response.context["tour"] == people.tour


def test_a_session_taking_registrations_fills_by_places_not_people(people):
    """Its capacity counts places (a tandem of two takes one): two tandems in two places fill it
    to the brim, not twice over; a session whose participants are named counts people."""
    start = people.tour.days.order_by("date").last().window_start
    when = {"starts_at": start, "ends_at": start + timedelta(hours=1), "is_published": True}
    session = factories.SessionFactory(
        tour=people.tour, kind=SessionKind.ROUNDTABLE, capacity=2, **when
    )
    for n in range(2):
        tandem = factories.TandemFactory(tour=people.tour, name=f"Tandem {n}")
        for role in MemberRole.values:
            factories.TandemMemberFactory(
                tandem=tandem, role=role, user__email=f"{role}{n}@tandem.example"
            )
        member = tandem.members.first().user
        register_for_session(actor=member, session=session, tandem=tandem)
    named = factories.SessionFactory(tour=people.tour, capacity=1, **when)
    named.tandems.add(people.tandem)  # two members in a room for one
    fills = {fill.session: fill for fill in tour_figures(people.tour, BERLIN).sessions}
    assert (fills[session].people, fills[session].places) == (4, 2)
    assert (fills[session].percent, fills[session].over) == (100, False)
    assert (fills[named].people, fills[named].places) == (2, None)
    assert (fills[named].percent, fills[named].over) == (200, True)
