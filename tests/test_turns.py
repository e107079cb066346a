"""Whose turn it is: every transition sets it, tells exactly the people who must know (once each,
nobody on the actor's own side where they need not), and nudges and expiry follow it."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from matchmaking.enums import Direction, RequestStatus
from matchmaking.models import MeetingRequest, OutboxMessage, Proposal
from matchmaking.services import DomainError, reminders
from matchmaking.services import meetings as meeting_services
from matchmaking.services import requests as services
from matchmaking.services.video import replace_video_link

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
TANDEM = {"alice@tandem.example", "anton@tandem.example"}
PARTNER = {"chen@partner.example"}
BOTH = TANDEM | PARTNER


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def clock(monkeypatch):
    """Simulated time: ``clock.now`` is what the services and the database defaults see."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)
            return self.now

    simulated = Clock()
    monkeypatch.setattr(timezone, "now", lambda: simulated.now)
    return simulated


def ask(people, direction=Direction.TANDEM_TO_INSTITUTION, preferred=()):
    by = people.alice if direction == Direction.TANDEM_TO_INSTITUTION else people.chen
    return services.request_meeting(
        actor=by,
        tandem=people.tandem,
        institution=people.institution,
        direction=direction,
        message="Shall we meet?",
        preferred_starts=list(preferred),
    )


def written(action) -> set[tuple[str, str]]:
    """The (address, kind) pairs ``action`` writes to the outbox; each pair exactly once."""
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    action()
    rows = list(OutboxMessage.objects.exclude(pk__in=before).values_list("email", "kind"))
    assert len(rows) == len(set(rows)), f"an e-mail written twice: {rows}"
    return set(rows)


def sent(addresses: set[str], kind: str) -> set[tuple[str, str]]:
    return {(address, kind) for address in addresses}


def test_the_whole_negotiation_passes_the_turn_and_tells_each_side_once(people):
    request = written_request = None

    def make():
        nonlocal written_request
        written_request = ask(people, preferred=[berlin(22, 9), berlin(22, 10)])

    assert written(make) == sent(PARTNER, "request_received")
    request = written_request
    assert request.turn == "institution"

    # The partner proposes another time: the tandem must answer now.
    assert written(
        lambda: services.propose_time(actor=people.chen, request=request, start=berlin(23, 8))
    ) == sent(TANDEM, "proposal_received")
    request.refresh_from_db()
    assert (request.turn, request.proposed_start) == ("tandem", berlin(23, 8))

    # The partner cannot answer its own proposal.
    with pytest.raises(DomainError):
        services.confirm_proposed_time(actor=people.chen, request=request)
    with pytest.raises(DomainError):
        services.propose_time(actor=people.chen, request=request, start=berlin(23, 9))

    # The tandem proposes yet another time: back to the partner.
    assert written(
        lambda: services.propose_time(actor=people.anton, request=request, start=berlin(23, 10))
    ) == sent(PARTNER, "proposal_received")
    request.refresh_from_db()
    assert request.turn == "institution"

    # The partner confirms: one "meeting scheduled" to each person, no "request accepted".
    assert written(
        lambda: services.confirm_proposed_time(actor=people.chen, request=request)
    ) == sent(BOTH, "meeting_scheduled")
    request.refresh_from_db()
    assert (request.status, request.turn, request.turn_since) == (RequestStatus.ACCEPTED, "", None)
    assert request.meeting.starts_at == berlin(23, 10)
    proposals = list(request.proposals.values_list("side", "proposed_by__email", "starts_at"))
    assert proposals == [
        ("institution", "chen@partner.example", berlin(23, 8)),
        ("tandem", "anton@tandem.example", berlin(23, 10)),
    ]


def _pending(people):
    return ask(people)


def _proposed(people):
    request = ask(people)
    services.propose_time(actor=people.chen, request=request, start=berlin(23, 8))
    return request


def _meeting(people):
    request = ask(people)
    services.accept_request(actor=people.chen, request=request, start=berlin(22, 9))
    return request.meeting


# transition × who acts → the e-mails written: exactly these (address, kind) pairs.
TABLE = [
    ("accept", _pending, lambda p, r: services.accept_request(actor=p.chen, request=r),
     sent(BOTH, "meeting_scheduled")),
    ("decline", _pending, lambda p, r: services.decline_request(actor=p.chen, request=r),
     sent(TANDEM, "request_declined")),
    ("decline a proposal's request", _proposed,
     lambda p, r: services.decline_request(actor=p.alice, request=r, reason="Not then."),
     sent(PARTNER, "request_declined")),
    ("counter-propose", _proposed,
     lambda p, r: services.propose_time(actor=p.alice, request=r, start=berlin(22, 11)),
     sent(PARTNER, "proposal_received")),
    ("confirm", _proposed, lambda p, r: services.confirm_proposed_time(actor=p.anton, request=r),
     sent(BOTH, "meeting_scheduled")),
    ("withdraw", _pending, lambda p, r: services.withdraw_request(actor=p.alice, request=r),
     sent(PARTNER, "request_withdrawn")),
    ("cancel a pending request", _pending,
     lambda p, r: services.cancel_request(actor=p.chen, request=r),
     sent(TANDEM, "request_cancelled")),
    ("cancel a meeting", _meeting, lambda p, m: meeting_services.cancel_meeting(actor=p.alice, meeting=m),
     sent(BOTH, "meeting_cancelled")),
    ("move", _meeting,
     lambda p, m: meeting_services.move_meeting(actor=p.otto, meeting=m, start=berlin(22, 11)),
     sent(BOTH, "meeting_moved")),
    ("video link", _meeting,
     lambda p, m: replace_video_link(actor=p.chen, meeting=m, url="https://meeting.example.cn/1"),
     sent(TANDEM, "video_link_changed")),
]  # fmt: skip


@pytest.mark.parametrize(("event", "setup", "action", "expected"), TABLE, ids=[t[0] for t in TABLE])
def test_each_transition_tells_exactly_the_people_who_must_know(
    people, event, setup, action, expected
):
    subject = setup(people)
    assert written(lambda: action(people, subject)) == expected


def test_expiry_tells_both_sides_which_side_did_not_answer(people, clock):
    request = _proposed(people)
    clock.advance(days=people.tour.request_expiry_days, minutes=1)
    assert written(lambda: reminders.nudge_and_expire_requests()) == sent(BOTH, "request_expired")
    row = OutboxMessage.objects.get(kind="request_expired", email="chen@partner.example")
    assert row.context["silent_side"] == "tandem"  # the partner proposed; the tandem was silent
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED


TO_PARTNER, TO_TANDEM = Direction.TANDEM_TO_INSTITUTION, Direction.INSTITUTION_TO_TANDEM


@pytest.mark.parametrize(
    ("direction", "proposers", "nudged"),
    [
        (TO_PARTNER, [], PARTNER),
        (TO_PARTNER, ["chen"], TANDEM),
        (TO_PARTNER, ["chen", "alice"], PARTNER),
        (TO_TANDEM, [], TANDEM),
        (TO_TANDEM, ["alice"], PARTNER),
        (TO_TANDEM, ["alice", "chen"], TANDEM),
    ],
    ids=[
        "sent to the partner",
        "the partner proposed",
        "the tandem counter-proposed",
        "sent to the tandem",
        "the tandem proposed",
        "the partner counter-proposed",
    ],
)
def test_the_nudge_goes_to_the_side_whose_turn_it_is_48_hours_after_its_turn_began(
    people, clock, direction, proposers, nudged
):
    request = ask(people, direction=direction)
    for hour, name in enumerate(proposers):
        clock.advance(hours=30)  # each turn is answered in time; the clock restarts with it
        services.propose_time(
            actor=getattr(people, name), request=request, start=berlin(22, 9 + hour)
        )
    clock.advance(hours=47)
    assert written(lambda: reminders.nudge_and_expire_requests()) == set()
    clock.advance(hours=2)
    assert written(lambda: reminders.nudge_and_expire_requests()) == sent(nudged, "request_nudge")
    clock.advance(hours=1)
    assert written(lambda: reminders.nudge_and_expire_requests()) == set()  # once per turn
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_side_that_proposed_is_not_expired_for_the_time_it_waits(people, clock):
    request = ask(people)
    clock.advance(days=people.tour.request_expiry_days - 1)
    services.propose_time(actor=people.chen, request=request, start=berlin(23, 8))
    clock.advance(days=2)  # past the expiry counted from the request, not from the proposal
    assert reminders.nudge_and_expire_requests()["expired"] == 0
    request.refresh_from_db()
    assert (request.status, request.turn) == (RequestStatus.PENDING, "tandem")


def test_a_new_turn_makes_the_nudge_of_the_last_one_obsolete(people, clock):
    from matchmaking.notifications.kinds import is_obsolete

    request = ask(people)
    clock.advance(hours=49)
    reminders.nudge_and_expire_requests()
    nudge = OutboxMessage.objects.get(kind="request_nudge")
    assert not is_obsolete(nudge)
    services.propose_time(actor=people.chen, request=request, start=berlin(23, 8))
    assert is_obsolete(nudge)


def test_the_answering_side_may_counter_propose_when_the_proposed_slot_became_busy(people):
    request = _proposed(people)
    other = services.request_meeting(
        actor=people.olga,
        tandem=people.tandem,
        institution=people.other_institution,
        direction=Direction.INSTITUTION_TO_TANDEM,
        message="Hello",
    )
    services.accept_request(actor=people.alice, request=other, start=berlin(23, 8))
    before = OutboxMessage.objects.count()
    with pytest.raises(DomainError, match="not free"):
        services.confirm_proposed_time(actor=people.alice, request=request)
    request.refresh_from_db()
    assert (request.status, request.turn) == (RequestStatus.PENDING, "tandem")
    assert OutboxMessage.objects.count() == before
    services.propose_time(actor=people.alice, request=request, start=berlin(23, 9))
    request.refresh_from_db()
    assert request.turn == "institution"


@pytest.mark.parametrize(
    "setup",
    [
        "busy for the tandem",
        "not a slot",
        "closed request",
        "not your turn",
        "the time the other side proposed",
    ],
)
def test_a_bad_proposal_changes_nothing_and_sends_nothing(people, setup):
    request = ask(people)
    start = berlin(22, 10)
    actor = people.chen
    if setup == "busy for the tandem":
        other = services.request_meeting(
            actor=people.alice,
            tandem=people.tandem,
            institution=people.other_institution,
            direction=Direction.TANDEM_TO_INSTITUTION,
            message="Hello",
        )
        services.accept_request(actor=people.olga, request=other, start=start)
    elif setup == "not a slot":
        start = berlin(22, 10, 10)
    elif setup == "closed request":
        services.withdraw_request(actor=people.alice, request=request)
    elif setup == "the time the other side proposed":
        services.propose_time(actor=people.chen, request=request, start=start)
        actor = people.alice
    else:
        actor = people.alice
    before = (
        list(MeetingRequest.objects.filter(pk=request.pk).values()),
        OutboxMessage.objects.count(),
        Proposal.objects.count(),
    )
    with pytest.raises(DomainError) as refused:
        services.propose_time(actor=actor, request=request, start=start)
    if setup == "the time the other side proposed":
        assert "already proposed this time: confirm it" in str(refused.value)
    after = (
        list(MeetingRequest.objects.filter(pk=request.pk).values()),
        OutboxMessage.objects.count(),
        Proposal.objects.count(),
    )
    assert after == before


def test_a_colleague_of_the_side_that_changed_the_video_link_gets_the_new_calendar_entry(people):
    """Both representatives of the institution have the meeting in their calendars; when one of
    them gives it another room, the other's entry must not keep pointing at the old one."""
    from tests import factories

    factories.RepresentativeFactory(
        institution=people.institution, tour=people.tour, user__email="li@partner.example"
    )
    meeting = _meeting(people)
    change = lambda: replace_video_link(  # noqa: E731
        actor=people.chen, meeting=meeting, url="https://meeting.example.cn/1"
    )
    assert written(change) == sent(TANDEM | {"li@partner.example"}, "video_link_changed")
