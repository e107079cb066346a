"""Organisers change or call off a session of the agenda; the people taking part are told and
their calendar entries updated (SEQUENCE rises)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .. import notifications
from ..models import Session, User
from ..permissions import is_organiser
from .audit import record_change
from .errors import DomainError

# Changes participants must hear about; a new description or capacity is no reason to e-mail.
ANNOUNCED_FIELDS = frozenset({"title", "starts_at", "ends_at", "video_url"})


def _ensure_organiser(actor: User) -> None:
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))


def _lock(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("tour").get(pk=session.pk)


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
        record_change(
            actor=actor,
            entity="session",
            entity_id=session.pk,
            action="change",
            from_status="published",
            to_status="published",
            note=", ".join(sorted(changed)),
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
        record_change(
            actor=actor,
            entity="session",
            entity_id=session.pk,
            action="cancel",
            from_status="published",
            to_status="withdrawn",
        )
        notifications.session_cancelled(session)
    return session
