"""The main pages run as many queries with ten times the demo data as with the demo data."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking.enums import RequestStatus
from matchmaking.models import Institution, Meeting, MeetingRequest, Session, Tandem, Tour, User
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
]


def _counts(client) -> dict:
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
    call_command("load_demo")
    tour = Tour.objects.get(slug="innohealth-china")

    def sizes():
        # The demo's other edition (2028) does not grow.
        rows = [Tandem, MeetingRequest, Meeting, Session]
        return [tour.institutions.count()] + [m.objects.filter(tour=tour).count() for m in rows]

    before = sizes()
    demo = _counts(client)

    multiply_demo(tour, 10)
    after = sizes()
    assert after == [10 * n for n in before]
    grown = _counts(client)
    assert grown == demo
