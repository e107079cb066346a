from django.utils.functional import SimpleLazyObject

from .selectors import tour_for
from .timezones import zones_for


def viewer_zones(request):
    """The zones every page shows times in; computed only when a page shows a time."""
    return {
        "viewer_zones": SimpleLazyObject(lambda: zones_for(request.user, tour_for(request.user)))
    }
