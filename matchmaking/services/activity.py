"""The activity log: every service records what it did with one ``log_action`` call inside its
transaction, so the entry exists exactly when the change does."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..enums import LogAction
from ..models import ActivityLog, User

logger = logging.getLogger("matchmaking.activity")

# Who is behind the request being handled, for changes that reach the log through model signals
# rather than through a service that is told who acts. Read when the change happens, so a login
# during the request counts.
_acting_user: ContextVar[Callable[[], Any] | None] = ContextVar("acting_user", default=None)


def from_to(old: Any, new: Any) -> dict[str, Any]:
    """How a changed value is kept in an entry's data."""
    return {"from": old, "to": new}


def person_name(person: User) -> str:
    """A person as the log remembers them: searchable by name and e-mail after they are gone."""
    name = str(person)
    return person.email if name == person.email else f"{name} <{person.email}>"


def _entry(
    actor: User | None, obj: models.Model, action: LogAction, data: dict[str, Any] | None
) -> ActivityLog:
    person = actor if actor is not None and actor.is_authenticated else None
    # The data stays in the database: it may hold e-mail addresses, which logs should not.
    logger.info(
        "%s #%s %s by %s", obj._meta.model_name, obj.pk, action, person.pk if person else "system"
    )
    return ActivityLog(
        actor=person,
        actor_name=person_name(person) if person else "",
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        object_repr=(person_name(obj) if isinstance(obj, User) else str(obj))[:200],
        action=action,
        data=data or {},
    )


def log_action(
    *,
    actor: User | None,
    obj: models.Model,
    action: LogAction,
    data: dict[str, Any] | None = None,
) -> ActivityLog:
    """Record that ``actor`` (None: the system) did ``action`` to ``obj``."""
    entry = _entry(actor, obj, action, data)
    entry.save(force_insert=True)
    return entry


def log_actions(
    *, actor: User | None, entries: list[tuple[models.Model, LogAction, dict[str, Any]]]
) -> list[ActivityLog]:
    """``log_action`` for each (object, action, data), written in one statement (a batch)."""
    return ActivityLog.objects.bulk_create(
        [_entry(actor, obj, action, data) for obj, action, data in entries]
    )


@contextmanager
def acting_as(who: Callable[[], Any]) -> Iterator[None]:
    """Changes made inside are logged as made by whoever ``who()`` returns at that moment."""
    token = _acting_user.set(who)
    try:
        yield
    finally:
        _acting_user.reset(token)


def current_actor() -> User | None:
    who = _acting_user.get()
    user = who() if who is not None else None
    return user if user is not None and user.is_authenticated else None
