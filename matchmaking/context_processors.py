from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from .permissions import current_tour, is_organiser, role_in, roles_of, sees_pipeline
from .selectors import current_tour as public_tour
from .timezones import zones_for


def _viewer(request):
    # Django draws its 400 page for a Host header it does not serve before the authentication
    # middleware has run: that page is for nobody in particular, not a server error. (Django's
    # own auth context processor does the same.)
    return request.user if hasattr(request, "user") else AnonymousUser()


def viewer_zones(request):
    """The zones every page shows times in; computed only when a page shows a time."""
    user = _viewer(request)
    return {
        "viewer_zones": SimpleLazyObject(
            lambda: zones_for(user, current_tour(user) or public_tour())
        )
    }


def tour_switcher(request):
    """The tour the person works in, their role there (which decides the menu), and their other
    tours for the switcher in the header."""
    user = _viewer(request)

    def my_tours():
        if is_organiser(user):
            return []
        return sorted((r.tour for r in roles_of(user).values()), key=lambda t: t.created_at)

    return {
        "current_tour": SimpleLazyObject(lambda: current_tour(user)),
        "current_role": SimpleLazyObject(lambda: role_in(user, current_tour(user))),
        "my_tours": SimpleLazyObject(my_tours),
        # Organisers and supporting offices: the follow-up pipeline in the menu.
        "sees_pipeline": SimpleLazyObject(lambda: sees_pipeline(user)),
    }
