"""The organisers' figures of one tour, and what needs them now: the one place the landing page
(the admin index) reads them from.

Every figure is counted by the database, so the number of queries is the same for a tour of
ten tandems and of a thousand: one query for the requests per day and status, one for the
median time to answer, one for the meetings, one each for the tandems and institutions
without a meeting, one for the sessions and one for the people they keep busy, and one for each list
of what needs the organiser (its first rows and their total in the same query).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncDate

from ..enums import MeetingStatus, RequestStatus
from ..models import (
    Institution,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingRequest,
    OutboxMessage,
    OutboxStatus,
    Participation,
    Session,
    Tandem,
    Tour,
)
from ..models.languages import localized
from .registrations import with_places
from .schedule import SHOWN_MEETING_STATUSES
from .slots import party_rows

# What the landing page lists of each kind of work; the total is always given.
ATTENTION_ROWS = 20

# The request statuses the figures count, in the order of the table and the chart.
REQUEST_COLUMNS = (
    RequestStatus.PENDING,
    RequestStatus.ACCEPTED,
    RequestStatus.DECLINED,
    RequestStatus.EXPIRED,
    RequestStatus.WITHDRAWN,
    RequestStatus.CANCELLED,
)
MEETING_COLUMNS = (
    MeetingStatus.SCHEDULED,
    MeetingStatus.HELD,
    MeetingStatus.NO_SHOW,
    MeetingStatus.CANCELLED,
)


class Median(Aggregate):
    """PostgreSQL's ordered-set aggregate: the middle value (the mean of the two middle ones)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


@dataclass(frozen=True)
class RequestDay:
    """The requests sent on one day (in the organiser's zone) and what became of them."""

    day: date
    counts: dict[str, int]

    @property
    def sent(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class SessionFill:
    """A session's people and, if it takes registrations, its places taken. Its capacity counts
    places where people register (a tandem or an institution takes one place whatever its
    size) and people where the organisers name the participants, so the fill is measured in
    the unit the capacity is in."""

    session: Session
    people: int
    places: int | None = None

    @property
    def capacity(self) -> int:
        return self.session.capacity

    @property
    def used(self) -> int:
        return self.people if self.places is None else self.places

    @property
    def percent(self) -> int:
        return round(100 * self.used / self.capacity) if self.capacity else 0

    @property
    def over(self) -> bool:
        return self.used > self.capacity


@dataclass(frozen=True)
class Listed:
    """The first rows of a list, and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class TourFigures:
    days: list[RequestDay]
    requests: dict[str, int]
    median_answer: timedelta | None
    meetings: dict[str, int]
    tandems_without_meeting: list[Tandem]
    institutions_without_meeting: list[Institution]
    tandems: int
    institutions: int
    sessions: list[SessionFill] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(self.requests.values())

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted among the requests that were answered (accepted or declined)."""
        answered = self.requests[RequestStatus.ACCEPTED] + self.requests[RequestStatus.DECLINED]
        return self.requests[RequestStatus.ACCEPTED] / answered if answered else None

    @property
    def over_capacity(self) -> list[SessionFill]:
        return [fill for fill in self.sessions if fill.over]


def _status_counts(columns, prefix: str = "") -> dict:
    return {f"{prefix}{status}": Count("pk", filter=Q(status=status)) for status in columns}


def requests_per_day(tour: Tour, zone: ZoneInfo) -> list[RequestDay]:
    """One query: the tour's requests grouped by the day they were sent in ``zone``."""
    rows = (
        MeetingRequest.objects.filter(tour=tour)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .order_by()
        .values("day")
        .annotate(**_status_counts(REQUEST_COLUMNS))
        .order_by("day")
    )
    return [
        RequestDay(row["day"], {status: row[status] for status in REQUEST_COLUMNS}) for row in rows
    ]


def median_time_to_answer(tour: Tour) -> timedelta | None:
    """From sending to the answer (accepted or declined), the middle of all answered requests.
    One query; PostgreSQL computes the median, the embedded SQLite mode reads the durations."""
    answered = MeetingRequest.objects.filter(
        tour=tour,
        status__in=(RequestStatus.ACCEPTED, RequestStatus.DECLINED),
        acted_at__isnull=False,
    )
    waited = ExpressionWrapper(F("acted_at") - F("created_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        return answered.aggregate(median=Median(waited, output_field=DurationField()))["median"]
    durations = list(answered.annotate(waited=waited).values_list("waited", flat=True))
    return statistics.median(durations) if durations else None


def meetings_by_status(tour: Tour) -> dict[str, int]:
    return Meeting.objects.filter(tour=tour).aggregate(**_status_counts(MEETING_COLUMNS))


def _has_meeting(tour: Tour, party: str) -> Exists:
    return Exists(
        Meeting.objects.filter(
            tour=tour, status__in=SHOWN_MEETING_STATUSES, **{party: OuterRef("pk")}
        )
    )


def tandems_without_meeting(tour: Tour) -> tuple[list[Tandem], int]:
    """The tour's tandems without a scheduled or held meeting, and how many tandems it has."""
    rows = list(
        Tandem.objects.filter(tour=tour)
        .annotate(met=_has_meeting(tour, "tandem"), total=Window(Count("pk")))
        .order_by("name")
        .only("pk", "name")
    )
    return [t for t in rows if not t.met], rows[0].total if rows else 0


def institutions_without_meeting(tour: Tour) -> tuple[list[Institution], int]:
    rows = list(
        Institution.objects.filter(tours=tour)
        .annotate(met=_has_meeting(tour, "institution"), total=Window(Count("pk")))
        .order_by("name")
        .only("pk", *localized("name"))
    )
    return [i for i in rows if not i.met], rows[0].total if rows else 0


def people_per_session(tour: Tour) -> dict[int, int]:
    """Published session id → how many people it keeps busy: the active people in the tour of
    each party ``party_rows`` names, each person once — the people
    ``notifications.recipients.session_people`` tells about it. One query: the parties joined
    with the tour's people by party (a person has one role, so one party, in a tour)."""
    parties = party_rows(Session.objects.filter(tour=tour, is_published=True).values("pk"))
    people = (
        Participation.objects.filter(tour=tour, user__is_active=True)
        .annotate(
            side=Case(When(tandem__isnull=False, then=Value(0)), default=Value(1)),
            party_id=Coalesce("tandem_id", "institution_id"),
        )
        .values_list("side", "party_id", "user_id")
    )
    parties_sql, parties_params = parties.query.sql_with_params()
    people_sql, people_params = people.query.sql_with_params()
    # Django cannot join two queries; each part is the ORM's own SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parties.busy_session_id, COUNT(DISTINCT people.user_id)"  # noqa: S608
            f" FROM ({parties_sql}) parties JOIN ({people_sql}) people"
            " ON people.side = parties.side AND people.party_id = parties.party_id"
            " GROUP BY parties.busy_session_id",
            [*parties_params, *people_params],
        )
        return dict(cursor.fetchall())


def session_fill(tour: Tour) -> list[SessionFill]:
    """The tour's published sessions in time order with the people taking part and the places
    taken. Two queries."""
    sessions = (
        with_places(Session.objects.filter(tour=tour, is_published=True))
        .only("starts_at", "capacity", "registration", "kind", *localized("title"))
        .order_by("starts_at", "pk")
    )
    people = people_per_session(tour)
    return [
        SessionFill(
            session,
            people.get(session.pk, 0),
            session.taken if session.takes_registrations else None,
        )
        for session in sessions
    ]


def tour_figures(tour: Tour, zone: ZoneInfo) -> TourFigures:
    """Everything the landing page shows of the tour, counted by the database (8 queries)."""
    days = requests_per_day(tour, zone)
    tandems, tandem_count = tandems_without_meeting(tour)
    institutions, institution_count = institutions_without_meeting(tour)
    return TourFigures(
        days=days,
        requests={status: sum(d.counts[status] for d in days) for status in REQUEST_COLUMNS},
        median_answer=median_time_to_answer(tour),
        meetings=meetings_by_status(tour),
        tandems_without_meeting=tandems,
        institutions_without_meeting=institutions,
        tandems=tandem_count,
        institutions=institution_count,
        sessions=session_fill(tour),
    )


# --- what needs the organiser now -----------------------------------------------------------


def _listed(queryset: QuerySet) -> Listed:
    rows = list(queryset.annotate(listed_total=Window(Count("pk")))[:ATTENTION_ROWS])
    return Listed(rows, rows[0].listed_total if rows else 0)


def unanswered_requests(tour: Tour, now: datetime) -> Listed:
    """Pending requests whose turn has waited longer than REQUEST_NUDGE_HOURS, oldest first."""
    since = now - timedelta(hours=settings.REQUEST_NUDGE_HOURS)
    return _listed(
        MeetingRequest.objects.filter(
            tour=tour, status=RequestStatus.PENDING, turn_since__lte=since
        )
        .select_related("tandem", "institution")
        .order_by("turn_since", "pk")
    )


def accepted_without_slot(tour: Tour) -> Listed:
    return _listed(
        MeetingRequest.objects.filter(
            tour=tour, status=RequestStatus.ACCEPTED, meeting__isnull=True
        )
        .select_related("tandem", "institution")
        .order_by("acted_at", "pk")
    )


def failed_emails(tour: Tour) -> Listed:
    """E-mails that could not be sent: those about this tour, and those about no tour in
    particular (invitations, account e-mails)."""
    return _listed(
        OutboxMessage.objects.filter(status=OutboxStatus.FAILED)
        .filter(Q(context__tour_id=tour.pk) | ~Q(context__has_key="tour_id"))
        .defer("ics", "context")
        .order_by("-created_at", "-pk")
    )


def not_logged_in(tour: Tour) -> Listed:
    """People invited into the tour who have not come in yet: their invitation is still open
    (expired ones included: sending it again gives a new link and date)."""
    return _listed(
        Invitation.objects.filter(tour=tour, status=InvitationStatus.OPEN)
        .select_related("message", "tandem", "institution")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Attention:
    unanswered: Listed
    without_slot: Listed
    failed: Listed
    not_logged_in: Listed

    @property
    def total(self) -> int:
        return (
            self.unanswered.total
            + self.without_slot.total
            + self.failed.total
            + self.not_logged_in.total
        )


def needs_attention(tour: Tour, now: datetime) -> Attention:
    """What the organiser should act on now (sessions over capacity: ``TourFigures``)."""
    return Attention(
        unanswered=unanswered_requests(tour, now),
        without_slot=accepted_without_slot(tour),
        failed=failed_emails(tour),
        not_logged_in=not_logged_in(tour),
    )
