"""The personal calendar feed: a secret address calendar applications subscribe to."""

from __future__ import annotations

import secrets

from django.db import transaction

from ..enums import LogAction
from ..models import CalendarFeed, User
from .activity import log_action


def issue_calendar_token(*, user: User) -> CalendarFeed:
    """A new secret address; any earlier one stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        feed = CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))
        log_action(actor=user, obj=feed, action=LogAction.ISSUE)
    return feed


def revoke_calendar_token(*, user: User) -> None:
    with transaction.atomic():
        for feed in CalendarFeed.objects.select_for_update().filter(user=user):
            log_action(actor=user, obj=feed, action=LogAction.REVOKE)
            feed.delete()
