"""Who hears about what. Each function takes the object the message is about and the person who
acted (None when an organiser's batch or the system acted without a side)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from ..models import (
    FollowUp,
    Meeting,
    MeetingRequest,
    OutboxMessage,
    Participation,
    Registration,
    Session,
    User,
)
from ..permissions import Side, side_of
from ..selectors.slots import session_parties


def tandem_people(tandem_id: int) -> list[User]:
    return list(User.objects.filter(participations__tandem_id=tandem_id, is_active=True))


def institution_people(institution_id: int, tour_id: int) -> list[User]:
    """The institution's representatives in that tour (not those of its other tours)."""
    return list(
        User.objects.filter(
            participations__institution_id=institution_id,
            participations__tour_id=tour_id,
            is_active=True,
        )
    )


def side_people(request: MeetingRequest | Meeting, side: Side) -> list[User]:
    if side == Side.TANDEM:
        return tandem_people(request.tandem_id)
    return institution_people(request.institution_id, request.tour_id)


def turn_side(request: MeetingRequest, actor: User | None = None) -> list[User]:
    """The side whose turn it is: it has to answer (first the side the request was sent to)."""
    return side_people(request, Side(request.turn))


def both_sides(request: MeetingRequest | Meeting, actor: User | None = None) -> list[User]:
    return both_sides_of_each([request])[0]


def both_sides_of_each(
    items: list[MeetingRequest | Meeting], actor: User | None = None
) -> list[list[User]]:
    """``both_sides`` of each request or meeting, read in one query however many there are
    (a batch plan tells both sides of every meeting it places)."""
    if not items:
        return []
    rows = (
        Participation.objects.filter(
            Q(tandem_id__in={item.tandem_id for item in items})
            | Q(
                institution_id__in={item.institution_id for item in items},
                tour_id__in={item.tour_id for item in items},
            ),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    )
    by_tandem: dict[int, list[User]] = defaultdict(list)
    by_institution: dict[tuple[int, int], list[User]] = defaultdict(list)
    for row in rows:
        if row.tandem_id is not None:
            by_tandem[row.tandem_id].append(row.user)
        else:
            by_institution[row.institution_id, row.tour_id].append(row.user)
    return [
        by_tandem[item.tandem_id] + by_institution[item.institution_id, item.tour_id]
        for item in items
    ]


def other_side(request: MeetingRequest | Meeting, actor: User | None = None) -> list[User]:
    """Those who did not act; when an organiser or the system acted, both sides."""
    side = side_of(actor, request) if actor is not None else None
    if side == Side.TANDEM:
        return side_people(request, Side.INSTITUTION)
    if side == Side.INSTITUTION:
        return side_people(request, Side.TANDEM)
    return both_sides(request)


def all_but_actor(request: MeetingRequest | Meeting, actor: User | None = None) -> list[User]:
    """Both sides except the person who acted: their colleagues hold the same calendar entry
    and would otherwise keep its old version."""
    return [person for person in both_sides(request) if actor is None or person.pk != actor.pk]


def session_people(session: Session, actor: User | None = None) -> list[User]:
    """Everyone the session keeps busy: its tandems, participating and host institutions, and
    the institutions of its speakers."""
    tandem_ids, institution_ids = session_parties(session)
    people = User.objects.filter(
        Q(participations__tandem_id__in=tandem_ids)
        | Q(
            participations__institution_id__in=institution_ids,
            participations__tour_id=session.tour_id,
        )
    )
    return list(people.filter(is_active=True).distinct())


def registered_party(registration: Registration, actor: User | None = None) -> list[User]:
    """The people of the registered party: both tandem members, or the institution's
    representatives in the session's tour (whoever of them acted hears it too: the calendar
    entry is for everyone's calendar)."""
    if registration.tandem_id is not None:
        return tandem_people(registration.tandem_id)
    return institution_people(registration.institution_id, registration.session.tour_id)


@dataclass(frozen=True)
class OutcomeQuestion:
    """One side of a meeting, asked what came of it."""

    meeting: Meeting
    side: Side

    @property
    def tour(self):
        return self.meeting.tour


def asked_side(question: OutcomeQuestion, actor: User | None = None) -> list[User]:
    return side_people(question.meeting, question.side)


def session_holders(session: Session, actor: User | None = None) -> list[User]:
    """Everyone who has the session in their calendar: the people it keeps busy now and anyone
    it was sent to before (a participant removed since still has the entry)."""
    sent_to = OutboxMessage.objects.filter(
        kind__in=["session_published", "session_changed"],
        context__session_id=session.pk,
        recipient__isnull=False,
    ).values("recipient_id")
    now = {person.pk: person for person in session_people(session)}
    earlier = User.objects.filter(pk__in=sent_to, is_active=True).exclude(pk__in=list(now))
    return [*now.values(), *earlier]


def follow_up_owner(follow_up: FollowUp, actor: User | None = None) -> list[User]:
    """The person who took on the next step."""
    return [follow_up.owner] if follow_up.owner.is_active else []
