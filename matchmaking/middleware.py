import zoneinfo

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from .models.consent import CURRENT_CONSENT_VERSION
from .models.refusals import refusal_of
from .permissions import current_tour, has_consented, tour_by_slug
from .services.activity import acting_as
from .services.profiles import choose_tour


class TourFromLinkMiddleware:
    """Links in e-mails name the tour they are about (``?tour=<slug>``): a person who takes part
    in it works in that tour from then on, as if they had chosen it in the switcher, so the
    page shows that tour's request or schedule. Any other tour in a link changes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        slug = request.GET.get("tour", "") if request.method == "GET" else ""
        user = request.user
        if slug and user.is_authenticated and slug != getattr(current_tour(user), "slug", None):
            tour = tour_by_slug(user, slug)
            if tour is not None:
                choose_tour(user=user, tour=tour)
        return self.get_response(request)


class UserPreferencesMiddleware:
    """Show a logged-in person the portal in the language and time zone of their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class ActingUserMiddleware:
    """Changes logged through model signals during a request name the person logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(lambda: getattr(request, "user", None)):
            return self.get_response(request)


class BadInputMiddleware:
    """Input no page of the portal accepts, refused before any view reads it: a body larger than
    ``MAX_REQUEST_BODY_BYTES`` (413, before it is read, so an oversized upload is not parsed
    first), and a NUL character in a parameter (400: PostgreSQL cannot even compare text with
    it, so a search, filter or look-up with one would fail deep inside a query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            context = {"limit_mb": settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)}
            return render(request, "413.html", context, status=413)
        if any(_has_nul(params) for params in (request.GET, request.POST)):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A database rule no check before it caught (a race between two people) is a refusal
        # to put in words, not a server error.
        if isinstance(exception, IntegrityError):
            return render(request, "400.html", {"refusal": refusal_of(exception)}, status=400)
        return None


def _has_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


# Pages a staff account without an authenticator may still open: its account pages (log-in,
# set-up, log-out), the language switch and static files.
OPEN_WITHOUT_MFA = ("/accounts/", "/language/", "/i18n/", settings.STATIC_URL)


class StaffMFAMiddleware:
    """In production (``INNOHEALTH_REQUIRE_STAFF_MFA``) a staff account opens no page until it has
    an authenticator app set up: it is sent to allauth's set-up page. Account pages (log-in, the
    set-up itself, log-out) stay open so the set-up can be done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.INNOHEALTH_REQUIRE_STAFF_MFA
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(OPEN_WITHOUT_MFA)
            and not is_mfa_enabled(user, types=[Authenticator.Type.TOTP])
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


# Pages a person who has not agreed yet may still open: the consent page itself, account pages,
# their data (download, deletion), language, links from e-mails that need no profile, health.
OPEN_WITHOUT_CONSENT = (
    "/consent/",
    "/accounts/",
    "/account/data/",
    "/language/",
    "/i18n/",
    "/invitation/",
    "/notifications/unsubscribe/",
    "/calendar/",
    "/admin/",
    "/healthz",
    "/readyz",
    settings.STATIC_URL,
)


class ConsentMiddleware:
    """At login or the first visit, a person who has not agreed to the current consent text
    (models/consent.py) sees the consent page first; "not now" lets them go on for the session,
    their party's profile hidden from the other side meanwhile. Staff (organisers) are never
    held up. The answer is kept in the session, so the check costs one query per session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.method == "GET"
            and user.is_authenticated
            and not user.is_staff
            and request.session.get("consent_asked") != CURRENT_CONSENT_VERSION
            and not request.path.startswith(OPEN_WITHOUT_CONSENT)
        ):
            if not has_consented(user):
                consent_page = reverse("consent")
                return redirect(f"{consent_page}?{urlencode({'next': request.get_full_path()})}")
            request.session["consent_asked"] = CURRENT_CONSENT_VERSION
        return self.get_response(request)
