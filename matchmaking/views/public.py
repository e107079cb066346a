from django.shortcuts import render

from .. import selectors
from ..timezones import zones_for


def tour_page(request):
    """The public page of the current tour: programme, speakers, institutions, supporters."""
    tour = selectors.current_tour()
    if tour is None:
        return render(request, "matchmaking/tour_page.html", {"tour": None})
    zones = zones_for(request.user, tour)
    context = selectors.public_page(tour, zones)
    context["viewer_zones"] = zones
    return render(request, "matchmaking/tour_page.html", context)
