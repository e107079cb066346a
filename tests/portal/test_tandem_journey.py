"""The tandem's journey: dashboard, directory, institution page, recommendations, requests,
withdrawing, and its own profile."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking.enums import InstitutionKind, RequestStatus, Seeking, TourStatus
from matchmaking.models import ActivityLog, MeetingRequest
from matchmaking.selectors.recommendations import recommend
from matchmaking.services.meetings import cancel_meeting
from matchmaking.services.requests import decline_request
from tests import factories

from .conftest import berlin, slot_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(db):
    return {
        slug: factories.TopicFactory(slug=slug, name_en=name, name_zh_hans=zh)
        for slug, name, zh in [
            ("imaging", "medical imaging", "医学影像"),
            ("ai", "AI diagnostics", "人工智能诊断"),
            ("genomics", "genomics", "基因组学"),
        ]
    }


def test_the_dashboard_shows_requests_by_state_meetings_and_sessions(client, people, ask, meeting):
    declined = ask(people, institution=people.other_institution, message="Hello InferVision")
    decline_request(actor=people.olga, request=declined)
    session = factories.SessionFactory(tour=people.tour, title="Tandem pitches")
    session.tandems.add(people.tandem)
    factories.SessionFactory(tour=people.tour, title="Somebody else's session")
    client.force_login(people.alice)
    page = client.get(reverse("tandem_dashboard")).content.decode()
    assert "<h3>Accepted (1)</h3>" in page and "<h3>Declined (1)</h3>" in page
    assert "BGI Group ↔" not in page  # meetings are named tandem ↔ institution
    assert "CardioSense ↔ BGI Group" in page
    assert "Tandem pitches" in page
    assert "Somebody else&#x27;s session" not in page


def _request_row(page: str, request_id: int) -> str:
    start = page.index(f'data-request="{request_id}"')
    return page[start : page.index("</li>", start)]


def test_a_request_row_gives_its_meetings_time_only_while_it_is_scheduled(
    client, people, ask, meeting
):
    pending = ask(people, institution=people.other_institution)
    client.force_login(people.alice)
    page = client.get(reverse("tandem_dashboard")).content.decode()
    scheduled_row = _request_row(page, meeting.request_id)
    assert "Meeting:" in scheduled_row and "09:00" in scheduled_row
    assert "Meeting:" not in _request_row(page, pending.pk)
    cancel_meeting(actor=people.otto, meeting=meeting, reason="The room is gone.")
    page = client.get(reverse("tandem_dashboard")).content.decode()
    assert "Meeting:" not in _request_row(page, meeting.request_id)


@pytest.mark.parametrize("query", ["BGI", "华大", "sequencing", "测序", "Shenzhen"])
def test_the_directory_searches_english_and_chinese_names_and_descriptions(client, people, query):
    people.institution.description = "Sequencing and precision medicine."
    people.institution.description_zh_hans = "基因测序与精准医学。"
    people.institution.city = "Shenzhen"
    people.institution.save()
    client.force_login(people.alice)
    page = client.get(reverse("directory"), {"q": query}).content.decode()
    assert "BGI Group" in page
    assert "InferVision" not in page


def test_the_directory_filters_by_kind_city_and_topic(client, people, topics):
    people.institution.kind = InstitutionKind.COMPANY
    people.institution.city = "Shenzhen"
    people.institution.save()
    people.institution.topics.add(topics["genomics"])
    people.other_institution.topics.add(topics["imaging"])
    client.force_login(people.alice)
    directory = reverse("directory")
    for filters in ({"kind": "company"}, {"city": "Shenzhen"}, {"topic": "genomics"}):
        page = client.get(directory, filters).content.decode()
        assert "BGI Group" in page and "InferVision" not in page, filters
    page = client.get(directory, {"topic": "imaging"}).content.decode()
    assert "InferVision" in page and "BGI Group" not in page


def test_the_directory_lists_only_institutions_of_the_tandems_tour(client, people):
    factories.InstitutionFactory(name="Elsewhere Hospital", tours=[factories.TourFactory()])
    client.force_login(people.alice)
    page = client.get(reverse("directory")).content.decode()
    assert "BGI Group" in page and "Elsewhere Hospital" not in page


def test_the_institution_page_shows_the_profile_and_the_request_form(client, people):
    people.institution.description = "Genomics and life sciences."
    people.institution.save()
    client.force_login(people.alice)
    page = client.get(reverse("institution_detail", args=[people.institution.pk])).content
    page = page.decode()
    assert "华大集团" in page and "Genomics and life sciences." in page
    assert 'name="message"' in page and 'name="preferred_1"' in page
    assert '<label for="id_message">' in page


@pytest.mark.parametrize("status", [TourStatus.DRAFT, TourStatus.FINISHED])
def test_a_tour_without_requests_says_so_instead_of_offering_the_form(client, people, status):
    """A tandem of a tour in preparation (the demo's 2028 edition) or one that is over is told
    on the page, not after writing a message that the service must refuse; so is a partner."""
    people.tour.status = status
    people.tour.save(update_fields=["status"])
    people.chen.language = "en"
    people.chen.save(update_fields=["language"])
    closed = "This tour does not take meeting requests at the moment."
    pages = [(people.alice, reverse("institution_detail", args=[people.institution.pk]))]
    if status == TourStatus.FINISHED:  # partners see a tour only once it has opened
        pages.append((people.chen, reverse("tandem_detail", args=[people.tandem.pk])))
    for person, url in pages:
        client.force_login(person)
        page = client.get(url).content.decode()
        assert closed in page and 'name="message"' not in page, url


def test_recommendations_rank_by_shared_topics_and_what_the_tandem_seeks(people, topics):
    tandem = people.tandem
    tandem.topics.set([topics["imaging"], topics["ai"]])
    tandem.seeks = [Seeking.PILOT_SITE]
    tandem.save()
    both_topics = factories.InstitutionFactory(name="Imaging Lab", kind="university")
    both_topics.topics.set([topics["imaging"], topics["ai"]])
    hospital = factories.InstitutionFactory(name="City Hospital", kind="hospital")
    hospital.topics.set([topics["ai"]])
    unrelated = factories.InstitutionFactory(name="Gene Company", kind="company")
    unrelated.topics.set([topics["genomics"]])
    ranked = recommend(tandem, [unrelated, hospital, both_topics])
    assert [r.institution.name for r in ranked] == ["Imaging Lab", "City Hospital"]
    assert ranked[0].reason == "shares: AI diagnostics, medical imaging"
    assert ranked[1].reason == "shares: AI diagnostics; can offer what you seek: Pilot site"


def test_the_dashboard_shows_recommendations_with_their_reason(client, people, topics):
    people.tandem.topics.set([topics["imaging"]])
    people.other_institution.topics.set([topics["imaging"]])
    client.force_login(people.alice)
    page = client.get(reverse("tandem_dashboard")).content.decode()
    assert "InferVision" in page and "shares: medical imaging" in page


def test_a_tandem_requests_a_meeting_with_a_message_and_three_preferred_times(client, people):
    client.force_login(people.alice)
    wishes = [berlin(22, 9), berlin(22, 10), berlin(23, 8, 30)]
    response = client.post(
        reverse("request_meeting", args=[people.institution.pk]),
        {
            "message": "We would like to talk about genomics.",
            **{f"preferred_{n}": slot_value(w) for n, w in enumerate(wishes, start=1)},
        },
    )
    request = MeetingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", args=[request.pk])
    assert request.message == "We would like to talk about genomics."
    assert request.created_by == people.alice and request.status == RequestStatus.PENDING
    assert [p.starts_at for p in request.preferred_slots.all()] == wishes
    page = client.get(response["Location"]).content.decode()
    assert "Your meeting request has been sent." in page
    assert "We would like to talk about genomics." in page


def test_a_tandem_withdraws_a_pending_request(client, people, ask):
    request = ask(people)
    client.force_login(people.anton)  # the other member of the tandem
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'id="withdraw-form"' in page
    response = client.post(reverse("request_withdraw", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert ActivityLog.objects.about(request).filter(action="withdraw", actor=people.anton).exists()


def test_a_tandem_edits_its_profile(client, people, topics):
    client.force_login(people.alice)
    assert client.get(reverse("tandem_profile")).status_code == 200
    response = client.post(
        reverse("tandem_profile"),
        {
            "project_title_en": "ECG screening",
            "summary_en": "AI for ECGs.",
            "summary_zh_hans": "心电图人工智能。",
            "summary_de": "KI für EKGs.",
            "topics": [topics["ai"].pk],
            "seeks": ["pilot_site", "investment"],
        },
    )
    assert response.status_code == 302
    people.tandem.refresh_from_db()
    assert people.tandem.summary_zh_hans == "心电图人工智能。"
    assert people.tandem.seeks == ["pilot_site", "investment"]
    assert list(people.tandem.topics.all()) == [topics["ai"]]


def test_a_tandem_profile_needs_english_and_chinese_summaries(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("tandem_profile"),
        {"project_title_en": "ECG screening", "summary_en": "AI for ECGs.", "summary_zh_hans": ""},
    )
    assert response.status_code == 400
    assert 'id="id_summary_zh_hans_error"' in response.content.decode()
    people.tandem.refresh_from_db()
    assert people.tandem.project_title == "A digital-health project"


def test_a_tandem_profile_edit_with_a_bad_value_changes_nothing(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("tandem_profile"),
        {"project_title": "", "summary": "x", "seeks": ["world_domination"]},
    )
    assert response.status_code == 400
    assert "world_domination is not one of the available choices" in response.content.decode()
    people.tandem.refresh_from_db()
    assert people.tandem.project_title == "A digital-health project"


def test_the_institution_page_says_when_the_tandem_already_meets_it(client, people, meeting):
    client.force_login(people.alice)
    page = client.get(reverse("institution_detail", args=[people.institution.pk])).content.decode()
    said = re.search(r"You already have a meeting with BGI Group on (.*?)\.\s*<a", page, re.S)
    assert said and "09:00" in said.group(1)
    assert reverse("request_detail", args=[meeting.request_id]) in page
    assert 'id="ask"' not in page


def test_a_page_that_leads_to_the_open_request_reads_no_free_slots(client, people, ask):
    """With a request under way the institution's and the tandem's pages lead to it and offer
    no form, so nobody's busy slots are read for it."""
    request = ask(people)
    for person, url in (
        (people.alice, reverse("institution_detail", args=[people.institution.pk])),
        (people.chen, reverse("tandem_detail", args=[people.tandem.pk])),
    ):
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert 'name="preferred_1"' not in page
        assert reverse("request_detail", args=[request.pk]) in page
        assert not any('"matchmaking_blockedslot"' in q["sql"] for q in queries), url
