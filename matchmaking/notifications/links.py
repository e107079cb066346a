"""Absolute links into the portal for e-mails: pages, the invitation link, unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ..models import Invitation, User
from ..tokens import invitation_token, unsubscribe_token


def portal_url(name: str, *args) -> str:
    """An absolute link into the portal; the dashboard while a page does not exist yet."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path = reverse("dashboard")
    return f"{settings.SITE_URL}{path}"


def invitation_link(invitation: Invitation) -> str:
    return portal_url("invitation_accept", invitation_token(invitation))


def unsubscribe_link(user: User, preference: str) -> str:
    return portal_url("notifications_unsubscribe", unsubscribe_token(user, preference))
