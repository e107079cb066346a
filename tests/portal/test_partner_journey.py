"""The partner's journey: incoming requests, accept (with a time), propose another time,
decline, ask a tandem, the institution's schedule and profile; colleagues share the work."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking.enums import MeetingStatus, RequestStatus
from matchmaking.models import MeetingRequest
from matchmaking.services import DomainError
from matchmaking.services.profiles import update_preferences
from matchmaking.services.requests import propose_time
from tests import factories

from .conftest import berlin, slot_value

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_incoming_requests_with_profile_message_and_wishes(client, people, ask):
    people.tandem.summary = "AI-assisted ECG screening."
    people.tandem.save()
    ask(people, message="We build ECG screening.", preferred_starts=[berlin(22, 10)])
    client.force_login(people.chen)
    page = client.get(reverse("partner_dashboard")).content.decode()
    assert "CardioSense" in page and "AI-assisted ECG screening." in page
    assert "We build ECG screening." in page
    # The wish at 10:00 Berlin, shown in Shanghai time with Berlin beside it.
    assert "17:00" in page and "(10:00 " in page


def test_a_colleague_of_the_same_institution_sees_and_answers_the_request(client, people, ask):
    request = ask(people)
    colleague = factories.RepresentativeFactory(institution=people.institution).user
    client.force_login(colleague)
    assert (
        f'data-request="{request.pk}"' in client.get(reverse("partner_dashboard")).content.decode()
    )
    response = client.post(
        reverse("request_accept", args=[request.pk]), {"start": slot_value(berlin(22, 11))}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.acted_by == colleague
    assert request.meeting.starts_at == berlin(22, 11)


def test_accepting_without_a_time_takes_the_requesters_first_free_wish(client, people, ask):
    request = ask(people, preferred_starts=[berlin(23, 9, 30), berlin(22, 10)])
    client.force_login(people.chen)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    # The wishes are offered first in the list of times.
    first_option = page.split('name="start"')[1].split("<option")[2]
    assert slot_value(berlin(23, 9, 30)) in first_option
    response = client.post(reverse("request_accept", args=[request.pk]), {"start": ""})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.meeting.starts_at == berlin(23, 9, 30)
    assert request.meeting.status == MeetingStatus.SCHEDULED


def test_proposing_another_time_which_the_tandem_confirms(client, people, ask):
    request = ask(people)
    client.force_login(people.chen)
    response = client.post(
        reverse("request_propose", args=[request.pk]), {"start": slot_value(berlin(23, 8))}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and request.proposed_start == berlin(23, 8)
    client.force_login(people.alice)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'id="confirm-form"' in page and 'id="decline-form"' in page
    assert 'id="propose-form"' in page  # the tandem may propose yet another time
    client.post(reverse("request_confirm", args=[request.pk]), {"start": slot_value(berlin(23, 8))})
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.meeting.starts_at == berlin(23, 8)


def test_the_tandem_may_decline_a_proposed_time(client, people, ask):
    request = ask(people)
    propose_time(actor=people.chen, request=request, start=berlin(23, 8))
    client.force_login(people.alice)
    client.post(reverse("request_decline", args=[request.pk]), {"reason": "Too late for us."})
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert request.decline_reason == "Too late for us."


def test_declining_with_an_optional_reason(client, people, ask):
    first, second = ask(people), ask(people, tandem=people.other_tandem, by=people.bob)
    client.force_login(people.chen)
    client.post(reverse("request_decline", args=[first.pk]), {"reason": "Not our field."})
    client.post(reverse("request_decline", args=[second.pk]), {"reason": ""})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decline_reason) == (RequestStatus.DECLINED, "Not our field.")
    assert (second.status, second.decline_reason) == (RequestStatus.DECLINED, "")
    client.force_login(people.alice)
    assert (
        "Not our field." in client.get(reverse("request_detail", args=[first.pk])).content.decode()
    )


def test_a_partner_asks_a_tandem_for_a_meeting(client, people):
    client.force_login(people.chen)
    page = client.get(reverse("tandem_list")).content.decode()
    assert "CardioSense" in page and "LungScan" in page
    response = client.post(
        reverse("tandem_detail", args=[people.tandem.pk]),
        {"message": "BGI would like to meet you.", "preferred_1": slot_value(berlin(22, 8))},
    )
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (
        request.direction == "institution_to_tandem" and request.institution == people.institution
    )
    # Now the tandem answers.
    client.force_login(people.alice)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'id="accept-form"' in page
    client.post(reverse("request_accept", args=[request.pk]), {"start": ""})
    request.refresh_from_db()
    assert request.meeting.starts_at == berlin(22, 8)


def test_the_tandem_list_shows_the_tandems_a_page_at_a_time(client, people):
    for n in range(30):
        factories.TandemMemberFactory(tandem__tour=people.tour, tandem__name=f"Tandem {n:02}")
    client.force_login(people.chen)
    first = client.get(reverse("tandem_list"))
    assert [t.name for t in first.context["tandems"]] == (
        ["CardioSense", "LungScan"] + [f"Tandem {n:02}" for n in range(23)]
    )
    assert "page=2" in first.content.decode()
    second = client.get(reverse("tandem_list"), {"page": 2})
    assert [t.name for t in second.context["tandems"]] == [f"Tandem {n:02}" for n in range(23, 30)]


def test_the_partner_sees_the_institutions_schedule(client, people, meeting):
    session = factories.SessionFactory(
        tour=people.tour, title="Company visit", host=people.institution
    )
    client.force_login(people.chen)
    page = client.get(reverse("schedule")).content.decode()
    assert "CardioSense ↔ 华大集团" in page and session.title in page  # in the reader's language
    # 09:00 Berlin = 16:00 Shanghai on 22 March 2027.
    assert re.search(r'>16:00–16:30 <span class="zone">', page)


def test_a_partner_edits_the_institutions_profile(client, people):
    client.force_login(people.chen)
    response = client.post(
        reverse("institution_profile"),
        {
            "name_en": "BGI Group",
            "name_zh_hans": "华大集团",
            "city_en": "Shenzhen",
            "city_zh_hans": "深圳",
            "province_en": "Guangdong",
            "website": "https://www.example.org",
            "description_en": "Genomics.",
            "description_zh_hans": "基因组学。",
            "description_de": "",
        },
    )
    assert response.status_code == 302
    people.institution.refresh_from_db()
    assert people.institution.description_zh_hans == "基因组学。"
    bad = client.post(reverse("institution_profile"), {"website": "not a web address"})
    assert bad.status_code == 400
    people.institution.refresh_from_db()
    assert people.institution.website == "https://www.example.org"


def test_a_tandem_already_meeting_shows_the_meeting_instead_of_a_second_form(
    client, people, meeting
):
    """CardioSense already meets BGI: Chen's page of the tandem says when (in Shanghai time)
    and leads to the meeting, as the tandem's page of BGI does, instead of a form whose
    message only a refusal would answer."""
    people.chen.language = "en"
    people.chen.save(update_fields=["language"])
    client.force_login(people.chen)

    page = client.get(reverse("tandem_detail", args=[people.tandem.pk])).content.decode()

    said = re.search(r"You already have a meeting with CardioSense on (.*?)\.\s*<a", page, re.S)
    assert said and '16:00 <span class="zone">Shanghai' in said.group(1)
    assert "open request" not in page
    assert reverse("request_detail", args=[meeting.request_id]) in page
    assert reverse("tandem_detail", args=[people.tandem.pk]) + '"' not in page.split("<main")[1]


def test_a_tandem_with_only_a_request_still_leads_to_it(client, people, ask):
    request = ask(people)
    people.chen.language = "en"
    people.chen.save(update_fields=["language"])
    client.force_login(people.chen)
    page = client.get(reverse("tandem_detail", args=[people.tandem.pk])).content.decode()
    assert "You already have an open request with this tandem." in page
    assert "You already have a meeting" not in page
    assert reverse("request_detail", args=[request.pk]) in page


def test_the_name_is_required_and_an_account_without_one_shows_no_e_mail(client, people, ask):
    """The other side reads a name, never an e-mail address: the profile keeps a name, and an
    account from before that rule is shown with a neutral label."""
    client.force_login(people.chen)
    before = people.chen.display_name
    response = client.post(
        reverse("preferences"),
        {"display_name": " ", "language": "en", "time_zone": "Asia/Shanghai"},
    )
    assert response.status_code == 400
    people.chen.refresh_from_db()
    assert people.chen.display_name == before
    with translation.override("en"), pytest.raises(DomainError, match="Please give your name"):
        update_preferences(
            actor=people.chen,
            user=people.chen,
            display_name="",
            language="en",
            time_zone="Asia/Shanghai",
        )
    nameless = factories.RepresentativeFactory(
        institution=people.institution, user__display_name="", user__email="nameless@partner.cn"
    ).user
    with translation.override("en"):
        assert str(nameless) == "unnamed participant"
    request = ask(people)
    propose_time(actor=nameless, request=request, start=berlin(23, 9))
    client.force_login(people.alice)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "unnamed participant" in page and "nameless@partner.cn" not in page
