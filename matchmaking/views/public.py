from urllib.parse import urlsplit

from csp.constants import SELF
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
    response = render(request, "matchmaking/tour_page.html", context)
    if tour.impressions_video_url:
        allow_video_from(response, tour.impressions_video_url)
    return response


def allow_video_from(response, url: str) -> None:
    """The one exception to "nothing from another host": the impressions video the organisers
    chose may play from its own origin, on this page only (django-csp's per-response policy)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    response._csp_replace = {"frame-src": [origin], "media-src": [SELF, origin]}
