"""Which role a page is for, in which tour; the objects themselves are checked in
matchmaking.permissions."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from ..permissions import (
    current_tour,
    institution_of,
    preferred_tour,
    role_in,
    roles_of,
    tandem_of,
)
from ..services.profiles import choose_tour


def page_with_the_form(request) -> str:
    """Where a person returns after logging in. A form sent after the session expired is not
    sent again: its page (the same-origin Referer, else the address of the request) shows it once
    more, so the action is not lost and never meets a 405."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def language_of_link(request, language: str) -> str:
    """The language of a page opened from an e-mail link without logging in: the e-mail's, so
    a reader of a Chinese e-mail is not met in the language of a borrowed browser. A choice the
    visitor made with the switcher (its cookie) or a logged-in person's profile comes first."""
    if request.user.is_authenticated or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language()
    return language


def login_required(view):
    """Django's login_required, except that a POST returns to the page its form was on."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return redirect_to_login(page_with_the_form(request))

    return wrapper


def form_of(page: str):
    """An endpoint a form on `page` posts to. Opened by address (a login that returned to it, a
    reloaded tab), it shows that page instead of a 405."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST":
                return redirect(page, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _role_required(party_of):
    """The page is for people who act for a party (their tandem or institution) in the current
    tour, which the view receives as its second argument. A person who has that kind of role
    only in another of their tours (a bookmark, a link from an e-mail) is taken to that tour;
    anybody else is refused."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            party = party_of(user, current_tour(user))
            if party is None:
                tours = [r.tour for r in roles_of(user).values() if party_of(user, r.tour_id)]
                if not tours:
                    raise PermissionDenied
                tour = choose_tour(user=user, tour=preferred_tour(tours))
                party = party_of(user, tour)
            return view(request, party, *args, **kwargs)

        return wrapper

    return decorator


tandem_member_required = _role_required(tandem_of)
representative_required = _role_required(institution_of)
# Pages for both: the view receives the person's role (a Participation) in the current tour.
participant_required = _role_required(role_in)
