"""The main pages run as many queries with ten times the demo data as with the demo data."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking.models import Meeting, MeetingRequest, Session, Tandem, Tour, User
from tests.demo_growth import multiply_demo

pytestmark = pytest.mark.django_db

# Viewers whose lists are not empty in the demo: an empty list skips its prefetch queries.
PAGES = [
    (None, "home"),
    ("researcher3@tandem.example", "tandem_dashboard"),  # GenoCare: a meeting with BGI
    ("researcher1@tandem.example", "tandem_dashboard"),
    ("researcher3@tandem.example", "directory"),
    ("researcher3@tandem.example", "schedule"),
    ("bgi@partner.example", "partner_dashboard"),
    ("infervision@partner.example", "partner_dashboard"),  # a pending request from LungScan
    ("bgi@partner.example", "schedule"),
    ("bgi@partner.example", "tandem_list"),
]


def _counts(client) -> dict:
    counts = {}
    for email, name in PAGES:
        if email:
            client.force_login(User.objects.get(email=email))
        else:
            client.logout()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
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
