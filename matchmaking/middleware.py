import zoneinfo

from django.utils import timezone, translation

from .permissions import current_tour, tour_by_slug
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
