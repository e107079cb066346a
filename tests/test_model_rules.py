"""The rules the database itself enforces, written straight to the ORM to bypass every form."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from matchmaking.admin.agenda import SupporterAdmin
from matchmaking.enums import MeetingStatus, MemberRole, RequestStatus
from matchmaking.middleware import BadInputMiddleware
from matchmaking.models import Meeting, MeetingRequest, TandemMember, TourDay, WindowBreak
from matchmaking.models.refusals import REFUSALS, refusal_of

from . import factories

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_a_third_tandem_member_is_refused(people):
    third = factories.UserFactory()
    for role in MemberRole.values:
        assert refused(
            lambda r=role: TandemMember.objects.create(tandem=people.tandem, user=third, role=r)
        )
    assert people.tandem.members.count() == 2


def test_two_researchers_are_refused(tour):
    tandem = factories.TandemFactory(tour=tour)
    factories.TandemMemberFactory(tandem=tandem, role=MemberRole.RESEARCHER)
    assert refused(lambda: factories.TandemMemberFactory(tandem=tandem, role=MemberRole.RESEARCHER))
    assert refused(lambda: factories.TandemMemberFactory(tandem=tandem, role="investor"))


def test_a_second_open_request_for_the_same_pair_is_refused(people):
    factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    assert refused(
        lambda: factories.MeetingRequestFactory(
            tandem=people.tandem, institution=people.institution
        )
    )


def test_a_closed_request_does_not_block_a_new_one(people):
    factories.MeetingRequestFactory(
        tandem=people.tandem, institution=people.institution, status=RequestStatus.DECLINED
    )
    factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    assert MeetingRequest.objects.filter(tandem=people.tandem).count() == 2


def _meeting(request, start):
    return Meeting.objects.create(
        request=request,
        tour=request.tour,
        tandem=request.tandem,
        institution=request.institution,
        starts_at=start,
        ends_at=start.replace(minute=30),
    )


def test_the_database_refuses_a_double_booking(people):
    start = people.tour.days.first().window_start
    first = factories.MeetingRequestFactory(
        tandem=people.tandem, institution=people.institution, status=RequestStatus.ACCEPTED
    )
    second = factories.MeetingRequestFactory(
        tandem=people.tandem, institution=people.other_institution, status=RequestStatus.ACCEPTED
    )
    third = factories.MeetingRequestFactory(
        tandem=people.other_tandem, institution=people.institution, status=RequestStatus.ACCEPTED
    )
    _meeting(first, start)
    assert refused(lambda: _meeting(second, start))  # the tandem is taken
    assert refused(lambda: _meeting(third, start))  # the institution is taken
    Meeting.objects.filter(request=first).update(status=MeetingStatus.CANCELLED)
    _meeting(second, start)


def test_a_session_must_end_after_it_starts(tour):
    session = factories.SessionFactory.build(tour=tour)
    session.ends_at = session.starts_at
    assert refused(session.save)


def test_a_blocked_slot_belongs_to_exactly_one_participant(people):
    from matchmaking.models import BlockedSlot

    start = people.tour.days.first().window_start
    assert refused(lambda: BlockedSlot.objects.create(tour=people.tour, starts_at=start))
    assert refused(
        lambda: BlockedSlot.objects.create(
            tour=people.tour, tandem=people.tandem, institution=people.institution, starts_at=start
        )
    )


def test_every_database_rule_has_a_sentence_of_its_own():
    names = {
        constraint.name
        for model in apps.get_app_config("matchmaking").get_models()
        for constraint in model._meta.constraints
    }
    assert names <= set(REFUSALS)


def test_a_broken_rule_is_said_once_in_words_never_by_its_name(people):
    day = people.tour.days.first()
    clash = TourDay(
        tour=people.tour, date=day.date, window_start=day.window_end, window_end=day.window_start
    )
    backwards = WindowBreak(day=day, starts_at=day.window_end, ends_at=day.window_start)
    said = []
    for obj in (clash, backwards):
        with pytest.raises(ValidationError) as refusal:
            obj.full_clean()
        said += refusal.value.messages
    assert said == [
        "The tour already has a day on this date.",
        "The meeting window must end after it starts.",
        "A break must end after it starts.",
    ]


def test_an_integrity_error_is_told_with_the_rules_sentence(people):
    day = people.tour.days.first()
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        TourDay.objects.create(
            tour=people.tour,
            date=day.date,
            window_start=day.window_start,
            window_end=day.window_end,
        )
    assert refusal_of(error.value) == "The tour already has a day on this date."


def _duplicate_day(tour):
    day = tour.days.first()
    TourDay.objects.create(
        tour=tour, date=day.date, window_start=day.window_start, window_end=day.window_end
    )


def test_a_rule_the_form_could_not_foresee_is_a_message_on_the_admin_page(
    client, people, monkeypatch
):
    monkeypatch.setattr(SupporterAdmin, "save_model", lambda *args: _duplicate_day(people.tour))
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_supporter_add")
    data = {"tour": people.tour.pk, "name_en": "AHK", "url": "https://ahk.example", "order": 1}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 302)]
    said = [str(m) for m in response.context["messages"]]
    assert said == ["The tour already has a day on this date."]


def test_a_rule_broken_in_the_portal_is_a_page_in_words(rf, people):
    request = rf.get("/")
    try:
        with transaction.atomic():
            _duplicate_day(people.tour)
    except IntegrityError as error:
        response = BadInputMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The tour already has a day on this date." in page
    assert "one_tour_day_per_date" not in page


def test_a_rule_checked_by_the_form_and_the_database_is_said_once(client, people):
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_blockedslot_add"),
        {
            "tour": people.tour.pk,
            "tandem": people.tandem.pk,
            "institution": people.institution.pk,
            "starts_at_0": "2027-03-22",
            "starts_at_1": "08:00",
        },
    )
    said = list(response.context["adminform"].form.non_field_errors())
    assert said == ["Choose either a tandem or an institution."]
