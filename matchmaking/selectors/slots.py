"""The tour's slots, cut from each day's meeting window (who is busy in them: ``occupancy``)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, QuerySet, Value

from ..enums import RegistrationStatus
from ..models import Registration, Session, Tour, TourDay
from ..models.languages import localized


@dataclass(frozen=True)
class SlotTime:
    day: int
    index: int
    starts_at: datetime
    ends_at: datetime

    @property
    def id(self) -> str:
        return f"d{self.day}s{self.index}"


def tour_slots(tour: Tour) -> list[SlotTime]:
    """Every slot of every day, in time order; a trailing piece shorter than a slot is unused.

    A slot overlapping one of the day's breaks is left out, but its index stays taken, so the
    distance between two indexes remains the time between the slots (idle gaps count breaks).
    One query: the days with their breaks joined (a day without a break comes once, with none).
    """
    length = timedelta(minutes=tour.slot_minutes)
    days: dict[int, tuple] = {}
    breaks: dict[int, list[tuple[datetime, datetime]]] = {}
    rows = TourDay.objects.filter(tour=tour).values_list(
        "pk", "date", "window_start", "window_end", "breaks__starts_at", "breaks__ends_at"
    )
    for pk, day_date, window_start, window_end, break_start, break_end in rows:
        days[pk] = (day_date, window_start, window_end)
        if break_start is not None:
            breaks.setdefault(pk, []).append((break_start, break_end))
    slots = []
    ordered = sorted(days.items(), key=lambda item: item[1][0])
    for day_number, (pk, (_date, window_start, window_end)) in enumerate(ordered):
        day_breaks = breaks.get(pk, [])
        start, index = window_start, 0
        while start + length <= window_end:
            end = start + length
            if not any(b_start < end and b_end > start for b_start, b_end in day_breaks):
                slots.append(SlotTime(day_number, index, start, end))
            start, index = end, index + 1
    return slots


def published_sessions(tour: Tour):
    """The tour's published sessions, without their long texts (``parties_of_sessions`` reads
    who they keep busy)."""
    return Session.objects.filter(tour=tour, is_published=True).defer(
        "description", *localized("description")
    )


def party_rows(
    session_ids: Collection[int] | QuerySet,
    *,
    registered: bool = True,
    tandem_ids: Collection[int] | None = None,
    institution_ids: Collection[int] | None = None,
) -> QuerySet:
    """(``busy_session_id``, ``side``, ``party_id``) of every party the sessions keep busy, side
    0 a tandem and 1 an institution: participants, the host, the institutions of its speakers
    and (unless ``registered`` is false: only those the organisers named) the parties with a
    confirmed registration, not those waiting. One UNION ALL of ids (a party may come more than
    once); ``session_ids`` may be a query of ids. With ``tandem_ids`` or ``institution_ids`` only
    those parties are read."""
    tandems = Session.tandems.through.objects.filter(session_id__in=session_ids)
    institutions = Session.institutions.through.objects.filter(session_id__in=session_ids)
    speakers = Session.speakers.through.objects.filter(
        session_id__in=session_ids, speaker__institution__isnull=False
    )
    # No ordering in the parts of a UNION (SQLite refuses it; sessions and registrations have one).
    # A plain QuerySet: modeltranslation's reorders the columns of ``values_list``.
    hosts = QuerySet(Session).filter(pk__in=session_ids, host__isnull=False).order_by()
    confirmed = Registration.objects.filter(
        session_id__in=session_ids, status=RegistrationStatus.CONFIRMED
    ).order_by()
    registered_tandems = confirmed.filter(tandem_id__isnull=False)
    registered_institutions = confirmed.filter(institution_id__isnull=False)
    if tandem_ids is not None or institution_ids is not None:
        wanted_tandems, wanted_institutions = list(tandem_ids or ()), list(institution_ids or ())
        tandems = tandems.filter(tandem_id__in=wanted_tandems)
        institutions = institutions.filter(institution_id__in=wanted_institutions)
        speakers = speakers.filter(speaker__institution__in=wanted_institutions)
        hosts = hosts.filter(host__in=wanted_institutions)
        registered_tandems = registered_tandems.filter(tandem_id__in=wanted_tandems)
        registered_institutions = registered_institutions.filter(
            institution_id__in=wanted_institutions
        )
    parts = [
        _rows(institutions, "session_id", 1, "institution_id"),
        _rows(hosts, "id", 1, "host_id"),
        _rows(speakers, "session_id", 1, "speaker__institution_id"),
    ]
    if registered:
        parts += [
            _rows(registered_tandems, "session_id", 0, "tandem_id"),
            _rows(registered_institutions, "session_id", 1, "institution_id"),
        ]
    return _rows(tandems, "session_id", 0, "tandem_id").union(*parts, all=True)


def _rows(queryset: QuerySet, session: str, side: int, party: str) -> QuerySet:
    # Named columns, so that a query built on the UNION can refer to them.
    return queryset.annotate(
        busy_session_id=F(session), side=Value(side), party_id=F(party)
    ).values_list("busy_session_id", "side", "party_id")


def parties_of_sessions(
    sessions: Iterable[Session],
    *,
    registered: bool = True,
    tandem_ids: Collection[int] | None = None,
    institution_ids: Collection[int] | None = None,
) -> dict[int, tuple[set[int], set[int]]]:
    """Session id → the tandems and institutions it keeps busy (``party_rows``, whose keywords
    these are), for any number of sessions in one query."""
    parties = {s.pk: (set(), set()) for s in sessions}
    if not parties:
        return parties
    rows = party_rows(
        list(parties),
        registered=registered,
        tandem_ids=tandem_ids,
        institution_ids=institution_ids,
    )
    for session_id, side, party_id in rows:
        parties[session_id][side].add(party_id)
    return parties


def session_parties(session: Session, *, registered: bool = True) -> tuple[set[int], set[int]]:
    """The tandems and institutions one session keeps busy (``registered``: see above)."""
    return parties_of_sessions([session], registered=registered)[session.pk]


def slot_at(slots: list[SlotTime], start: datetime) -> SlotTime | None:
    return next((s for s in slots if s.starts_at == start), None)
