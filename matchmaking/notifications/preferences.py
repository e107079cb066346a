"""The optional e-mails, grouped as people switch them on and off, and who switched what off.

Everything not behind one of these switches (invitations, meetings scheduled, moved or
cancelled, sessions changed or cancelled) is always sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from ..models import NotificationPreference, User

PREFERENCES: dict[str, str] = {
    "request_updates": _(
        "Meeting requests: received, accepted, declined, withdrawn, cancelled, expired"
    ),
    "request_nudges": _("Reminders about requests waiting for my answer"),
    "reminders": _("Reminders 24 hours and 15 minutes before my meetings and sessions"),
    "outcome_questions": _(
        "After my meetings: the question whether they took place and what came of them"
    ),
    "follow_up_reminders": _(
        "Reminders about my follow-ups: before the due date and when it passes"
    ),
}


def muted_preferences(user: User) -> list[str]:
    muted = NotificationPreference.objects.filter(user=user).values_list("muted", flat=True)
    return muted.first() or []


def muted_by_person(people: Iterable[User]) -> dict[int, frozenset[str]]:
    """What each of these people switched off, read in one query; absent means nothing."""
    rows = NotificationPreference.objects.filter(user__in=[p.pk for p in people])
    return {user_id: frozenset(muted) for user_id, muted in rows.values_list("user_id", "muted")}
