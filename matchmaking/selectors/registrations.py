"""Registrations for sessions as the pages and the admin show them: the sessions a party can
register for with their places, the party's own registrations and their place on the waiting
list, and the party's meetings at the same time (a warning, never a refusal)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..enums import ACTIVE_REGISTRATION_STATUSES, RegistrationStatus
from ..models import Meeting, Registration, Session, Tour
from ..models.sessions import TAKES_REGISTRATIONS
from .occupancy import occupancy
from .slots import parties_of_sessions


def with_waiting_position(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Each row with ``waiting_position``: 1 for the first one waiting at its session, … (set
    for every row; it means something for those waiting)."""
    ahead = (
        Registration.objects.filter(session=OuterRef("session"), status=RegistrationStatus.WAITING)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return registrations.annotate(
        waiting_position=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1
    )


def places_taken(session: Session) -> int:
    """How many parties hold a confirmed place in the session."""
    return Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED).count()


def with_places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Each session with ``taken`` (confirmed places) and ``waiting`` (the waiting list)."""
    return sessions.annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
    )


@dataclass
class SessionRow:
    session: Session
    registration: Registration | None
    clashes: list[Meeting] = field(default_factory=list)
    # The organisers named the party as a participant (or host): it needs no place.
    named: bool = False

    @property
    def full(self) -> bool:
        return self.session.taken >= self.session.capacity


def sessions_to_register(
    tour: Tour, *, tandem_id: int | None = None, institution_id: int | None = None
) -> list[SessionRow]:
    """The tour's published sessions that take registrations, in time order, each with the
    party's registration (if any) and the party's meetings that overlap it. A constant number
    of queries."""
    sessions = list(
        with_places(
            Session.objects.filter(tour=tour, is_published=True).filter(TAKES_REGISTRATIONS)
        )
        .select_related("host")
        .order_by("starts_at", "pk")
    )
    mine = {
        r.session_id: r
        for r in with_waiting_position(
            Registration.objects.filter(
                session__in=sessions,
                status__in=ACTIVE_REGISTRATION_STATUSES,
                tandem_id=tandem_id,
                institution_id=institution_id,
            )
        )
    }
    occupied = _party_occupancy(tour, tandem_id, institution_id)
    named = parties_of_sessions(sessions, registered=False)
    return [
        SessionRow(
            session,
            mine.get(session.pk),
            occupied.meetings_between(session.starts_at, session.ends_at),
            tandem_id in named[session.pk][0] or institution_id in named[session.pk][1],
        )
        for session in sessions
    ]


def meetings_during(
    session: Session, *, tandem_id: int | None = None, institution_id: int | None = None
) -> list[Meeting]:
    """The party's scheduled meetings that overlap the session."""
    occupied = _party_occupancy(session.tour, tandem_id, institution_id)
    return occupied.meetings_between(session.starts_at, session.ends_at)


def _party_occupancy(tour: Tour, tandem_id: int | None, institution_id: int | None):
    return occupancy(
        tour,
        tandem_ids=[tandem_id] if tandem_id else [],
        institution_ids=[institution_id] if institution_id else [],
    )
