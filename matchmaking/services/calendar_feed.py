"""The personal calendar feed: a secret address calendar applications subscribe to."""

from __future__ import annotations

import secrets

from django.db import transaction

from ..models import CalendarFeed, User
from .audit import record_change


def issue_calendar_token(*, user: User) -> CalendarFeed:
    """A new secret address; any earlier one stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        feed = CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))
        record_change(
            actor=user,
            entity="calendar_feed",
            entity_id=feed.pk,
            action="issue",
            from_status="",
            to_status="active",
        )
    return feed


def revoke_calendar_token(*, user: User) -> None:
    with transaction.atomic():
        for feed in CalendarFeed.objects.select_for_update().filter(user=user):
            record_change(
                actor=user,
                entity="calendar_feed",
                entity_id=feed.pk,
                action="revoke",
                from_status="active",
                to_status="revoked",
            )
            feed.delete()
