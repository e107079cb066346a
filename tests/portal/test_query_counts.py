"""The main pages run as many queries with ten times the demo data as with the demo data."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import Direction, Party, RequestStatus
from matchmaking.models import (
    FollowUp,
    Institution,
    Meeting,
    MeetingRequest,
    Registration,
    Session,
    Tandem,
    Tour,
    User,
)
from tests import demo_copy
from tests.demo_growth import multiply_demo

pytestmark = pytest.mark.django_db

TOUR = "innohealth-china"


def _institution(slug: str) -> list[int]:
    return [Institution.objects.get(slug=slug).pk]


def _tandem(slug: str) -> list[int]:
    return [Tandem.objects.get(tour__slug=TOUR, slug=slug).pk]


def _pending_request(tandem: str, institution: str) -> list[int]:
    request = MeetingRequest.objects.get(
        tour__slug=TOUR,
        tandem__slug=tandem,
        institution__slug=institution,
        status=RequestStatus.PENDING,
    )
    return [request.pk]


def _tour() -> list[int]:
    return [Tour.objects.get(slug=TOUR).pk]


# Viewers whose lists are not empty in the demo: an empty list skips its prefetch queries.
# The pages with a request form or answer forms offer slots free for both parties.
PAGES = [
    (None, "home", list),
    ("researcher3@tandem.example", "tandem_dashboard", list),  # GenoCare: a meeting with BGI
    ("researcher1@tandem.example", "tandem_dashboard", list),
    ("researcher3@tandem.example", "directory", list),
    ("researcher3@tandem.example", "schedule", list),
    ("researcher3@tandem.example", "institution_detail", lambda: _institution("infervision")),
    ("researcher3@tandem.example", "request_meeting", lambda: _institution("infervision")),
    ("bgi@partner.example", "partner_dashboard", list),
    ("infervision@partner.example", "partner_dashboard", list),  # a pending request from LungScan
    ("bgi@partner.example", "schedule", list),
    ("bgi@partner.example", "tandem_list", list),
    ("bgi@partner.example", "tandem_detail", lambda: _tandem("lungscan")),
    (
        "infervision@partner.example",
        "request_detail",
        lambda: _pending_request("lungscan", "infervision"),
    ),
    ("organiser@innohealth.example", "admin:index", list),
    ("organiser@innohealth.example", "admin:matchmaking_tour_grid", _tour),
    # The pages that came with registrations, follow-ups and data protection.
    ("researcher3@tandem.example", "session_list", list),
    ("bgi@partner.example", "session_list", list),
    ("researcher3@tandem.example", "schedule_print", list),
    ("researcher3@tandem.example", "follow_ups", list),
    ("bgi@partner.example", "follow_ups", list),
    ("ahk@office.example", "pipeline", list),
    ("organiser@innohealth.example", "pipeline", list),
    ("researcher3@tandem.example", "my_data", list),
    ("organiser@innohealth.example", "admin:day_agenda", _tour),
]


def _counts(client) -> dict:
    # Each pass starts with nothing kept (the public page, people's roles), so both read alike.
    cache.clear()
    counts = {}
    for email, name, args in PAGES:
        if email:
            client.force_login(User.objects.get(email=email))
        else:
            client.logout()
        url = reverse(name, args=args())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (email, name)
        counts[(email, name)] = len(queries)
    return counts


def test_main_pages_run_the_same_number_of_queries_with_ten_times_the_data(client):
    demo_copy.load()
    tour = Tour.objects.get(slug="innohealth-china")

    def sizes():
        # The demo's other edition (2028) does not grow.
        rows = [Tandem, MeetingRequest, Meeting, Session, FollowUp]
        return [tour.institutions.count()] + [m.objects.filter(tour=tour).count() for m in rows]

    before = sizes()
    demo = _counts(client)

    multiply_demo(tour, 10)
    after = sizes()
    assert after == [10 * n for n in before]
    assert Registration.objects.filter(session__tour=tour).count() > 0
    grown = _counts(client)
    assert grown == demo


def _accept(client, tandem: Tandem) -> int:
    """Queries of InferVision's representative accepting a new request of this tandem (a
    meeting is placed, its e-mails with calendar entries are written)."""
    request = MeetingRequest.objects.create(
        tour=tandem.tour,
        tandem=tandem,
        institution=Institution.objects.get(slug="infervision"),
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="We would like to meet you.",
        turn=Party.INSTITUTION,
        turn_since=timezone.now(),
        created_by=tandem.members.first().user,
    )
    client.force_login(User.objects.get(email="infervision@partner.example"))
    cache.clear()  # as _counts: both answers start with nothing kept
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("request_accept", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.meeting is not None
    return len(queries)


def test_accepting_a_request_runs_the_same_number_of_queries_with_ten_times_the_data(client):
    demo_copy.load()
    tour = Tour.objects.get(slug=TOUR)
    without = Tandem.objects.filter(tour=tour).exclude(
        meeting_requests__institution__slug="infervision"
    )
    first, second = without.order_by("pk")[:2]
    demo = _accept(client, first)
    multiply_demo(tour, 10)
    # A copy of another demo tandem: the same answer, ten times the tour around it.
    assert _accept(client, Tandem.objects.get(tour=tour, slug=f"{second.slug}-1")) == demo
