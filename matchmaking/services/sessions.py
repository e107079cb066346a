"""Organisers publish, change, move, withdraw and delete the sessions of the agenda, one service
each. The people taking part are told and their calendar entries updated: SEQUENCE rises with
every change they hear about, and a withdrawn session reaches everyone who had it as a calendar
CANCEL. A published session is withdrawn before it can be deleted."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import LogAction
from ..models import Institution, Meeting, Session, Speaker, Tandem, Tour, User
from ..models.languages import localized
from ..permissions import is_organiser
from ..selectors.occupancy import occupancy
from ..selectors.registrations import places_taken
from ..selectors.slots import session_parties
from .activity import from_to, log_action
from .errors import DomainError

# Changes participants must hear about; a new description or capacity is no reason to e-mail.
ANNOUNCED_FIELDS = frozenset(
    {*localized("title"), "starts_at", "ends_at", "video_url", "host", "tandems", "institutions"}
)
TIMES = frozenset({"starts_at", "ends_at"})
# Who takes part: changed on the session's own row (the host) or in its relations.
PARTICIPANTS = ("tandems", "institutions")
# What change_session may change; the publication and the sequence only the services set.
CHANGEABLE = frozenset(
    {
        "kind",
        *localized("title"),
        *localized("description"),
        "starts_at",
        "ends_at",
        "host",
        "capacity",
        "registration",
        "keeps_waiting_list",
        "video_url",
        *PARTICIPANTS,
    }
)


def _ensure_organiser(actor: User) -> None:
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))


def _lock(session: Session) -> Session:
    """The session with its tour locked first: publishing or moving a session changes the
    calendars of many parties at once (see services/calendars.py for the order of locks)."""
    list(Tour.objects.select_for_update().filter(pk=session.tour_id).values_list("pk"))
    try:
        return (
            Session.objects.select_for_update(of=("self",))
            .select_related("tour")
            .get(pk=session.pk)
        )
    except Session.DoesNotExist as exc:
        raise DomainError(_("This session no longer exists.")) from exc


def meetings_in_the_way(
    *,
    tour: Tour,
    starts_at: datetime,
    ends_at: datetime,
    tandem_ids: Collection[int],
    institution_ids: Collection[int],
) -> list[Meeting]:
    """Scheduled meetings of these parties that overlap the time: a published session there
    would put somebody in a meeting and a session at once."""
    occupied = occupancy(tour, tandem_ids=tandem_ids, institution_ids=institution_ids)
    return occupied.meetings_between(starts_at, ends_at)


def clash_message(meetings: list[Meeting]) -> str:
    return _(
        "This session overlaps meetings of its participants: %(meetings)s. Move or cancel "
        "those meetings first."
    ) % {"meetings": "; ".join(str(m) for m in meetings[:5])}


def _ensure_no_clash(session: Session, tandem_ids, institution_ids) -> None:
    clashes = meetings_in_the_way(
        tour=session.tour,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        tandem_ids=tandem_ids,
        institution_ids=institution_ids,
    )
    if clashes:
        raise DomainError(clash_message(clashes))


def ensure_fits_tour(
    *,
    tour: Tour,
    starts_at: datetime | None = None,
    tandems: Collection[Tandem] | None = None,
    institutions: Collection[Institution] | None = None,
    speakers: Collection[Speaker] | None = None,
) -> None:
    """A session of the tour starts on one of its days (in either home zone) and names only the
    tour's own tandems and institutions (as participants, host or the speakers' institutions).
    The day agenda and the planner know no other day, so a session typed a week late would
    reach the public programme and the participants' calendars unseen by the organisers; and a
    party of another edition would be sent a tour it is not part of."""
    named = [
        *(speaker.institution for speaker in speakers or () if speaker.institution_id),
        *(institutions or ()),
    ]
    ours = set(tour.institutions.filter(pk__in=[i.pk for i in named]).values_list("pk", flat=True))
    strangers = [tandem for tandem in tandems or () if tandem.tour_id != tour.pk] + list(
        dict.fromkeys(institution for institution in named if institution.pk not in ours)
    )
    if strangers:
        raise DomainError(
            _("%(party)s does not take part in this tour.")
            % {"party": ", ".join(str(party) for party in strangers)}
        )
    if starts_at is None:
        return
    days = set(tour.days.values_list("date", flat=True))
    if not days:
        raise DomainError(_("The tour has no days yet: add its days on the tour's page first."))
    local = [
        starts_at.astimezone(ZoneInfo(zone)).date()
        for zone in (tour.tandem_time_zone, tour.partner_time_zone)
    ]
    if not days.intersection(local):
        raise DomainError(
            _(
                "%(date)s is not one of the tour's days (%(days)s): choose one of them, or add "
                "the day on the tour's page first."
            )
            % {
                "date": date_format(local[0], "SHORT_DATE_FORMAT"),
                "days": ", ".join(date_format(day, "SHORT_DATE_FORMAT") for day in sorted(days)),
            }
        )


def publish_session(*, actor: User, session: Session) -> Session:
    """Put a session on the programme; refused while it overlaps a participant's meeting. A
    session published again after a withdrawal gets a new SEQUENCE, so calendars take it back."""
    _ensure_organiser(actor)
    with transaction.atomic():
        session = _lock(session)
        if session.is_published:
            raise DomainError(_("This session is already published."))
        # Registered parties were warned of their meetings when they registered.
        _ensure_no_clash(session, *session_parties(session, registered=False))
        session.is_published = True
        session.sequence += 1
        session.save(update_fields=["is_published", "sequence"])
        log_action(
            actor=actor,
            obj=session,
            action=LogAction.PUBLISH,
            data={"is_published": from_to(False, True)},
        )
        notifications.session_published(session)
    return session


def _shown(value: Any) -> Any:
    """A value as the log keeps it: related objects by name."""
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return sorted(str(item) for item in items)
    if hasattr(value, "_meta"):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def _current(session: Session, name: str) -> Any:
    if name in PARTICIPANTS:
        return list(getattr(session, name).all())
    return getattr(session, name)


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, list):
        return {item.pk for item in old} != {item.pk for item in new}
    return old != new


def _ensure_room_for_the_taken(session: Session) -> None:
    """Fewer places than parties already confirmed would leave some holding a place that no
    longer exists; they are told nothing, so the organiser cancels registrations first."""
    taken = places_taken(session)
    if session.capacity < taken:
        raise DomainError(
            _(
                "%(taken)d places of this session are taken already: the capacity cannot be "
                "less than %(taken)d. Cancel registrations first to make it smaller."
            )
            % {"taken": taken}
        )


def change_session(
    *, actor: User, session: Session, changes: Mapping[str, Any], reason: str = ""
) -> Session:
    """An organiser changes a session: its texts, kind, capacity, host, participants, video
    link and times (``changes``: field → new value; participants as collections).

    A published session may not come to overlap a participant's meeting. Its participants hear
    about a new time, title, video link or set of participants in one e-mail with the calendar
    entry of the raised SEQUENCE (people removed from it are told at its withdrawal, which
    reaches everyone who had it). Logged as a move (with the reason given) when the times
    changed and as a change for the other fields."""
    _ensure_organiser(actor)
    unknown = set(changes) - CHANGEABLE
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        session = _lock(session)
        changed = {}
        for name, new in changes.items():
            old = _current(session, name)
            if _differs(old, new):
                changed[name] = (old, new)
        if not changed:
            return session
        for name, (_old, new) in changed.items():
            if name not in PARTICIPANTS:
                setattr(session, name, new)
        if session.ends_at <= session.starts_at:
            raise DomainError(_("A session must end after it starts."))
        if "capacity" in changed:
            _ensure_room_for_the_taken(session)
        ensure_fits_tour(
            tour=session.tour,
            starts_at=session.starts_at if TIMES & set(changed) else None,
            tandems=changed["tandems"][1] if "tandems" in changed else None,
            institutions=[
                *(changed["institutions"][1] if "institutions" in changed else ()),
                *([session.host] if "host" in changed and session.host else ()),
            ],
        )
        session.save()
        for name in PARTICIPANTS:
            if name in changed:
                getattr(session, name).set(changed[name][1])
        announced = session.is_published and bool(ANNOUNCED_FIELDS & set(changed))
        if session.is_published:
            # As on publishing: registered parties were warned of their meetings.
            _ensure_no_clash(session, *session_parties(session, registered=False))
        if announced:
            session.sequence += 1
            session.save(update_fields=["sequence"])
        moved = {name: from_to(*map(_shown, changed.pop(name))) for name in TIMES & set(changed)}
        if moved:
            log_action(
                actor=actor,
                obj=session,
                action=LogAction.MOVE,
                data={**moved, **({"reason": reason} if reason else {})},
            )
        if changed:
            fields = {name: from_to(*map(_shown, values)) for name, values in changed.items()}
            log_action(actor=actor, obj=session, action=LogAction.CHANGE, data={"fields": fields})
        if announced:
            notifications.session_changed(session, reason=reason)
    return session


def move_session(
    *, actor: User, session: Session, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Session:
    """An organiser gives a session another time; see ``change_session``."""
    return change_session(
        actor=actor,
        session=session,
        changes={"starts_at": starts_at, "ends_at": ends_at},
        reason=reason,
    )


def cancel_session(*, actor: User, session: Session, reason: str = "") -> Session:
    """Withdraw a published session from the programme: everyone who had it (those taking part
    now and anyone sent it before) gets a calendar CANCEL, with the reason given."""
    _ensure_organiser(actor)
    with transaction.atomic():
        session = _lock(session)
        if not session.is_published:
            raise DomainError(_("This session is not published."))
        session.is_published = False
        session.sequence += 1
        session.save(update_fields=["is_published", "sequence"])
        data = {"is_published": from_to(True, False)}
        if reason:
            data["reason"] = reason
        log_action(actor=actor, obj=session, action=LogAction.UNPUBLISH, data=data)
        notifications.session_cancelled(session, reason=reason)
    return session


def delete_session(*, actor: User, session: Session) -> None:
    """Delete a session that is not on the programme. A published one is withdrawn first, so
    that everyone who had it gets the calendar CANCEL; a draft no calendar holds."""
    _ensure_organiser(actor)
    with transaction.atomic():
        session = _lock(session)
        if session.is_published:
            raise DomainError(
                _(
                    "“%(session)s” is published: withdraw it from the programme first (its "
                    "participants' calendars are told), then delete it."
                )
                % {"session": session}
            )
        log_action(actor=actor, obj=session, action=LogAction.DELETE)
        session.delete()
