"""The one answer to "who is busy in which slot", and the pages and services that derive from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matchmaking.admin.scheduling import _cells, _columns
from matchmaking.models import BlockedSlot, Speaker
from matchmaking.selectors import free_slots_for
from matchmaking.selectors.availability import Party, availability_grid
from matchmaking.selectors.occupancy import Cause, occupancy
from matchmaking.selectors.slots import tour_slots
from matchmaking.services import DomainError
from matchmaking.services import meetings as meeting_services
from matchmaking.services.availability import ensure_no_meeting_in
from matchmaking.services.sessions import meetings_in_the_way

from . import factories

pytestmark = pytest.mark.django_db


def place(people, tandem, institution, slot_id):
    request = factories.AcceptedRequestFactory(tandem=tandem, institution=institution)
    slot = next(s for s in tour_slots(people.tour) if s.id == slot_id)
    return meeting_services.schedule_meeting(
        actor=people.otto, request=request, start=slot.starts_at
    )


@pytest.fixture
def calendar(people):
    """CardioSense meets BGI at 08:00 on the first day; LungScan attends a 09:00–10:00 session
    hosted by InferVision, whose speaker comes from a third institution; LungScan marked the
    first slot of the second day unavailable."""
    meeting = place(people, people.tandem, people.institution, "d0s0")
    speakers_home = factories.InstitutionFactory(name="Speakers' Home", tours=[people.tour])
    session = factories.SessionFactory(tour=people.tour, host=people.other_institution)
    session.tandems.add(people.other_tandem)
    session.speakers.add(
        Speaker.objects.create(tour=people.tour, name="Dr. Li", institution=speakers_home)
    )
    slots = tour_slots(people.tour)
    BlockedSlot.objects.create(
        tour=people.tour, tandem=people.other_tandem, starts_at=slots[8].starts_at
    )
    return {"meeting": meeting, "session": session, "speakers_home": speakers_home}


def causes(held: dict) -> dict[str, list[str]]:
    return {slot_id: sorted(e.cause for e in engagements) for slot_id, engagements in held.items()}


def test_meetings_sessions_and_marks_make_their_parties_busy(people, calendar):
    occupied = occupancy(people.tour)
    assert causes(occupied.in_slots(tandem_id=people.tandem.pk)) == {"d0s0": [Cause.MEETING]}
    assert causes(occupied.in_slots(institution_id=people.institution.pk)) == {
        "d0s0": [Cause.MEETING]
    }
    assert causes(occupied.in_slots(tandem_id=people.other_tandem.pk)) == {
        "d0s2": [Cause.SESSION],
        "d0s3": [Cause.SESSION],
        "d1s0": [Cause.UNAVAILABLE],
    }
    # The host and the speaker's institution are kept busy by the session too.
    for institution in (people.other_institution, calendar["speakers_home"]):
        assert occupied.busy(institution_id=institution.pk) == {"d0s2", "d0s3"}
    assert occupied.in_slots(tandem_id=people.tandem.pk)["d0s0"][0].meeting == calendar["meeting"]


def test_asked_for_two_parties_it_reads_only_theirs(people, calendar):
    occupied = occupancy(
        people.tour, tandem_ids=[people.other_tandem.pk], institution_ids=[people.institution.pk]
    )
    assert set(occupied.by_tandem) == {people.other_tandem.pk}
    assert set(occupied.by_institution) == {people.institution.pk}
    free = occupied.free(tandem_id=people.other_tandem.pk, institution_id=people.institution.pk)
    assert {s.id for s in free} == {s.id for s in occupied.slots} - {"d0s0", "d0s2", "d0s3", "d1s0"}


def test_a_meeting_left_out_is_movable_and_a_stretch_reads_only_its_time(people, calendar):
    meeting = calendar["meeting"]
    movable = occupancy(people.tour, exclude_request_ids=[meeting.request_id])
    assert movable.busy(tandem_id=people.tandem.pk) == set()
    second_day = [s for s in tour_slots(people.tour) if s.day == 1]
    assert occupancy(people.tour, slots=second_day).busy(tandem_id=people.tandem.pk) == set()
    assert occupancy(people.tour, slots=second_day).busy(tandem_id=people.other_tandem.pk) == {
        "d1s0"
    }
    assert occupancy(people.tour, slots=[]).busy(tandem_id=people.other_tandem.pk) == set()


def _queries(people) -> int:
    with CaptureQueriesContext(connection) as context:
        occupied = occupancy(
            people.tour, tandem_ids=[people.tandem.pk], institution_ids=[people.institution.pk]
        )
        occupied.free(tandem_id=people.tandem.pk, institution_id=people.institution.pk)
    return len(context)


def test_the_number_of_queries_does_not_grow_with_the_calendar(people, calendar):
    def add_one_of_each(index: int) -> None:
        other = factories.InstitutionFactory(tours=[people.tour])
        place(people, people.tandem, other, ["d0s4", "d0s5", "d1s2", "d1s3"][index])
        session = factories.SessionFactory(tour=people.tour, host=people.institution)
        session.tandems.add(people.tandem)
        BlockedSlot.objects.create(
            tour=people.tour,
            institution=people.institution,
            starts_at=tour_slots(people.tour)[12 + index].starts_at,
        )

    add_one_of_each(0)
    one = _queries(people)
    for index in (1, 2, 3):
        add_one_of_each(index)
    assert _queries(people) == one


def test_the_pages_and_services_give_the_same_answer(people, calendar):
    """The request form, the availability page, the admin grid and the services' checks all
    see the session LungScan attends at 09:00 (slot d0s2)."""
    tour, lungscan = people.tour, people.other_tandem
    offered = free_slots_for(tour, tandem_id=lungscan.pk, institution_id=people.institution.pk)
    assert "d0s2" not in {s.id for s in offered}
    grid = {
        row.slot.id: row for day in availability_grid(Party(tandem=lungscan), tour) for row in day
    }
    assert grid["d0s2"].sessions == [calendar["session"]] and grid["d1s0"].unavailable
    assert grid["d0s0"].meeting is None and grid["d0s1"].sessions == []
    day_slots = [s for s in tour_slots(tour) if s.day == 0]
    everyone = {"group": "", "name": "", "busy": False}  # the grid without a filter
    cells = _cells(tour, day_slots, _columns(tour, everyone, day_slots))
    assert cells[(f"t{lungscan.pk}", "d0s2")].kind == "session"
    assert cells[(f"t{people.tandem.pk}", "d0s0")].text == people.institution.name
    with pytest.raises(DomainError, match="not free"):
        place(people, lungscan, people.institution, "d0s2")
    with pytest.raises(DomainError, match="has a meeting"):
        ensure_no_meeting_in(Party(tandem=people.tandem), tour, day_slots[:1])
    session = calendar["session"]
    clashes = meetings_in_the_way(
        tour=tour,
        starts_at=day_slots[0].starts_at,
        ends_at=session.ends_at,
        tandem_ids=[people.tandem.pk],
        institution_ids=[],
    )
    assert clashes == [calendar["meeting"]]
