"""The availability page: each participant marks its own unavailable slots, through one service."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from matchmaking.enums import RequestStatus
from matchmaking.models import BlockedSlot, Meeting
from matchmaking.reasons import unscheduled_reason_text
from matchmaking.scheduling import Reason
from matchmaking.selectors.slots import tour_slots
from matchmaking.services.requests import accept_request

from . import factories

pytestmark = pytest.mark.django_db

URL = "/availability/"


def blocked_of(**party):
    return sorted(BlockedSlot.objects.filter(**party).values_list("starts_at", flat=True))


@pytest.fixture
def meeting(people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=request)
    return Meeting.objects.get(request=request)


def test_the_page_shows_every_slot_in_the_viewers_zone_with_the_other_home_zone(client, people):
    client.force_login(people.alice)
    response = client.get(reverse("availability"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('name="unavailable"') == len(tour_slots(people.tour)) == 16
    # Alice is in Berlin; the partners' home zone is beside it: 08:00 Berlin is 15:00 Shanghai.
    assert "Berlin" in page and "Shanghai" in page
    row = page[page.index('data-slot="d0s0"') :]
    assert row.index("08:00") < row.index("15:00") < row.index("</tr>")
    assert 'href="/availability/"' in page  # the navigation links here


def test_a_partner_sees_shanghai_first_and_berlin_beside(client, people):
    client.force_login(people.chen)
    page = client.get(URL).content.decode()
    row = page[page.index('data-slot="d0s0"') :]
    assert row.index("15:00") < row.index("08:00") < row.index("</tr>")


def test_saving_replaces_the_tandems_marks_for_both_members(client, people):
    slots = tour_slots(people.tour)
    client.force_login(people.alice)
    response = client.post(URL, {"tour": people.tour.slug, "unavailable": ["d0s0", "d0s1"]})
    assert response.status_code == 302
    assert blocked_of(tandem=people.tandem) == [slots[0].starts_at, slots[1].starts_at]
    response = client.post(URL, {"tour": people.tour.slug, "unavailable": ["d0s1", "d1s7"]})
    assert blocked_of(tandem=people.tandem) == [slots[1].starts_at, slots[15].starts_at]
    # Anton, the other member, sees the same marks.
    client.force_login(people.anton)
    page = client.get(URL).content.decode()
    assert page.count("checked") == 2
    assert 'value="d0s1" checked' in page


def test_a_representative_marks_the_institutions_slots(client, people):
    client.force_login(people.chen)
    response = client.post(URL, {"unavailable": ["d1s0"]}, follow=True)
    with translation.override(people.chen.language):
        saved = ngettext(
            "Saved: %(count)d slot is marked unavailable.",
            "Saved: %(count)d slots are marked unavailable.",
            1,
        ) % {"count": 1}
    assert saved in response.content.decode()
    assert blocked_of(institution=people.institution) == [tour_slots(people.tour)[8].starts_at]
    assert not BlockedSlot.objects.filter(tandem__isnull=False).exists()


def test_other_participants_data_is_never_shown(client, people, meeting):
    BlockedSlot.objects.create(
        tour=people.tour, tandem=people.tandem, starts_at=tour_slots(people.tour)[5].starts_at
    )
    client.force_login(people.bob)
    page = client.get(URL).content.decode()
    assert "checked" not in page and "disabled" not in page
    assert "Meeting with" not in page and "BGI Group" not in page
    assert "CardioSense" not in page
    client.force_login(people.olga)
    page = client.get(URL).content.decode()
    assert "checked" not in page and "disabled" not in page and "CardioSense" not in page


@pytest.mark.parametrize(
    "values",
    [["d0s0", "d9s99"], ["<script>"], ["d0s8"], [""]],
    ids=["unknown-day", "garbage", "past-the-window", "empty"],
)
def test_tampered_slot_ids_are_refused_and_nothing_is_saved(client, people, values):
    client.force_login(people.alice)
    client.post(URL, {"unavailable": ["d0s3"]})
    before = blocked_of(tandem=people.tandem)
    response = client.post(URL, {"unavailable": values})
    assert response.status_code == 400
    assert "not meeting slots of this tour" in response.content.decode()
    assert blocked_of(tandem=people.tandem) == before


def test_another_tour_is_not_found(client, people):
    other = factories.TourFactory()
    client.force_login(people.alice)
    assert client.post(URL, {"tour": other.slug, "unavailable": ["d0s0"]}).status_code == 404
    assert not BlockedSlot.objects.exists()


def test_a_slot_with_a_meeting_cannot_be_marked_and_says_why(client, people, meeting):
    people.chen.language = "en"
    people.chen.save()
    client.force_login(people.chen)
    page = client.get(URL).content.decode()
    assert 'id="slot-d0s0" disabled' in page and "Meeting with CardioSense" in page
    response = client.post(URL, {"unavailable": ["d0s0", "d0s1"]})
    assert response.status_code == 400
    assert "BGI Group has a meeting with CardioSense" in response.content.decode()
    assert not BlockedSlot.objects.exists()


def test_marking_every_slot_is_refused_because_no_slot_would_be_left(client, people):
    factories.SessionFactory(tour=people.tour).tandems.add(people.tandem)  # 09:00–10:00 day one
    client.force_login(people.alice)
    free = [s.id for s in tour_slots(people.tour) if s.id not in ("d0s2", "d0s3")]
    response = client.post(URL, {"unavailable": free})
    assert response.status_code == 400
    assert "no slot at all" in response.content.decode()
    assert not BlockedSlot.objects.exists()
    # Leaving one slot outside the session free is fine.
    client.post(URL, {"unavailable": free[1:]})
    assert BlockedSlot.objects.count() == len(free) - 1


def test_organisers_are_sent_to_their_dashboard_and_visitors_to_log_in(client, people):
    assert client.get(URL).status_code == 302
    client.force_login(people.otto)
    response = client.post(URL, {"unavailable": ["d0s0"]})
    assert response.status_code == 302
    assert not BlockedSlot.objects.exists()


def test_both_sides_see_why_an_accepted_request_has_no_meeting(client, people):
    request = factories.MeetingRequestFactory(
        tandem=people.tandem,
        institution=people.institution,
        status=RequestStatus.ACCEPTED,
        acted_at=timezone.now(),
        unscheduled_reason=Reason.NO_COMMON_SLOT.value,
    )

    def text_for(person):
        with translation.override(person.language):
            return unscheduled_reason_text(Reason.NO_COMMON_SLOT.value)

    # Alice reads English, Chen Chinese: each sees the reason in their own language.
    for person in (people.alice, people.chen):
        client.force_login(person)
        page = client.get(URL).content.decode()
        assert f'data-request="{request.pk}"' in page and text_for(person) in page
    client.force_login(people.bob)
    assert text_for(people.bob) not in client.get(URL).content.decode()
    client.force_login(people.otto)
    changelist = client.get(reverse("admin:matchmaking_meetingrequest_changelist"))
    assert text_for(people.otto) in changelist.content.decode()
    page = client.get(reverse("admin:matchmaking_meetingrequest_change", args=[request.pk]))
    assert text_for(people.otto) in page.content.decode()


def test_organisers_enter_unavailable_slots_in_the_admin_by_the_same_rules(client, people, meeting):
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_blockedslot_add")

    def post(starts, **party):
        data = {"tour": people.tour.pk, "starts_at_0": "2027-03-22", "starts_at_1": starts}
        return client.post(url, {**data, **{k: v.pk for k, v in party.items()}})

    # Otto's time zone is Berlin: 08:00 is the first slot, where CardioSense meets BGI Group.
    response = post("08:00", tandem=people.tandem)
    assert "CardioSense has a meeting with BGI Group" in response.content.decode()
    response = post("08:10", tandem=people.tandem)
    assert "not the start of one of the tour&#x27;s meeting slots" in response.content.decode()
    response = post("08:30", tandem=people.tandem, institution=people.institution)
    assert "Choose either a tandem or an institution" in response.content.decode()
    # Only the tour's own participants: another edition's tandem, an institution not invited.
    elsewhere = factories.TourFactory()
    stranger = factories.TandemFactory(tour=elsewhere, name="NeuroBridge")
    response = post("08:30", tandem=stranger)
    assert "NeuroBridge does not take part in this tour" in response.content.decode()
    outsider = factories.InstitutionFactory(name="Mayo Clinic", tours=[elsewhere])
    response = post("08:30", institution=outsider)
    assert "Mayo Clinic does not take part in this tour" in response.content.decode()
    assert not BlockedSlot.objects.exists()
    assert post("08:30", tandem=people.tandem).status_code == 302
    assert blocked_of(tandem=people.tandem) == [tour_slots(people.tour)[1].starts_at]
