"""Absolute links into the portal for e-mails: pages, the invitation link, unsubscribe."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ..models import Invitation, Tour, User
from ..tokens import invitation_token, unsubscribe_token


def portal_url(name: str, *args, tour: Tour | None = None, section: str = "") -> str:
    """An absolute link into the portal; the dashboard while a page does not exist yet. A link
    about one tour names it, so that a person in several tours lands in that one; `section` is
    the id of the part of the page the e-mail is about."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path = reverse("dashboard")
    query = f"?{urlencode({'tour': tour.slug})}" if tour is not None else ""
    anchor = f"#{section}" if section else ""
    return f"{settings.SITE_URL}{path}{query}{anchor}"


def invitation_link(invitation: Invitation) -> str:
    return portal_url("invitation_accept", invitation_token(invitation))


def unsubscribe_link(user: User, preference: str) -> str:
    return portal_url("notifications_unsubscribe", unsubscribe_token(user, preference))
