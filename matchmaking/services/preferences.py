"""Which optional e-mails a person gets (the switches are ``notifications.preferences``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import NotificationPreference, User
from ..notifications.preferences import PREFERENCES, muted_preferences
from .errors import DomainError


def set_muted(*, user: User, muted: Iterable[str]) -> NotificationPreference:
    muted = sorted(set(muted))
    if any(key not in PREFERENCES for key in muted):
        raise DomainError(_("Unknown kind of notification."))
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user
        )
        preference.muted = muted
        preference.save(update_fields=["muted"])
    return preference


def mute(*, user: User, preference: str) -> NotificationPreference:
    """The unsubscribe link: switch one kind off, keep the others as they are."""
    return set_muted(user=user, muted=[*muted_preferences(user), preference])
