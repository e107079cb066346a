"""Organisers change or call off a session of the agenda; the people taking part are told and
their calendar entries updated (SEQUENCE rises)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import LogAction
from ..models import Meeting, Session, Tour, User
from ..models.languages import localized
from ..permissions import is_organiser
from ..selectors.occupancy import occupancy
from ..selectors.slots import session_parties
from .activity import from_to, log_action
from .errors import DomainError

# Changes participants must hear about; a new description or capacity is no reason to e-mail.
ANNOUNCED_FIELDS = frozenset({*localized("title"), "starts_at", "ends_at", "video_url"})


def _ensure_organiser(actor: User) -> None:
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))


def _lock(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("tour").get(pk=session.pk)


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


def publish_session(*, actor: User, session: Session) -> Session:
    """Put a session on the programme; refused while it overlaps a participant's meeting. A
    session published again after a withdrawal gets a new SEQUENCE, so calendars take it back."""
    _ensure_organiser(actor)
    with transaction.atomic():
        session = _lock(session)
        if session.is_published:
            raise DomainError(_("This session is already published."))
        # Registered parties were warned of their meetings when they registered.
        tandem_ids, institution_ids = session_parties(session, registered=False)
        clashes = meetings_in_the_way(
            tour=session.tour,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            tandem_ids=tandem_ids,
            institution_ids=institution_ids,
        )
        if clashes:
            raise DomainError(clash_message(clashes))
        session.is_published = True
        session.sequence += 1
        session.save(update_fields=["is_published", "sequence"])
        log_action(
            actor=actor,
            obj=session,
            action=LogAction.PUBLISH,
            data={"is_published": from_to(False, True)},
        )
        notifications.session_changed(session)
    return session


def announce_session_change(
    *, actor: User, session: Session, changed_fields: Iterable[str]
) -> bool:
    """Called after an organiser saved a session: a published session whose time, title or video
    link changed gets a new SEQUENCE and its participants an e-mail with the new entry."""
    _ensure_organiser(actor)
    changed = ANNOUNCED_FIELDS & set(changed_fields)
    with transaction.atomic():
        session = _lock(session)
        if not changed or not session.is_published:
            return False
        Session.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
        session.refresh_from_db(fields=["sequence"])
        log_action(
            actor=actor, obj=session, action=LogAction.CHANGE, data={"announced": sorted(changed)}
        )
        notifications.session_changed(session)
    return True


def cancel_session(*, actor: User, session: Session) -> Session:
    """Withdraw a published session from the programme and tell those taking part."""
    _ensure_organiser(actor)
    with transaction.atomic():
        session = _lock(session)
        if not session.is_published:
            raise DomainError(_("This session is not published."))
        session.is_published = False
        session.sequence += 1
        session.save(update_fields=["is_published", "sequence"])
        log_action(
            actor=actor,
            obj=session,
            action=LogAction.UNPUBLISH,
            data={"is_published": from_to(True, False)},
        )
        notifications.session_cancelled(session)
    return session
