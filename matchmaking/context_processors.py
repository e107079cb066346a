from django.utils.functional import SimpleLazyObject

from .permissions import current_tour, is_organiser, role_in, roles_of, sees_pipeline
from .selectors import current_tour as public_tour
from .timezones import zones_for


def viewer_zones(request):
    """The zones every page shows times in; computed only when a page shows a time."""
    return {
        "viewer_zones": SimpleLazyObject(
            lambda: zones_for(request.user, current_tour(request.user) or public_tour())
        )
    }


def tour_switcher(request):
    """The tour the person works in, their role there (which decides the menu), and their other
    tours for the switcher in the header."""
    user = request.user

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
