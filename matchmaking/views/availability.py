"""A tandem's or institution's availability: tick the slots in which it cannot meet."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..permissions import current_tour, tour_by_slug
from ..selectors.availability import availability_grid, party_of, waiting_requests
from ..services import DomainError
from ..services.availability import set_availability
from ..timezones import show_time, zones_for
from .access import login_required


@login_required
def availability(request):
    tour = current_tour(request.user)
    # The form names the tour it was shown for: a switch in another tab meanwhile must not send
    # its ticks to another tour.
    slug = request.POST.get("tour")
    if slug and slug != getattr(tour, "slug", None):
        tour = tour_by_slug(request.user, slug)
        if tour is None:
            raise Http404
    party = party_of(request.user, tour)
    if party is None:
        messages.info(
            request,
            _("Organisers manage unavailable slots in the admin site (Unavailable slots)."),
        )
        return redirect("dashboard")
    status = 200
    if request.method == "POST":
        try:
            count = set_availability(
                actor=request.user, tour=tour, unavailable=request.POST.getlist("unavailable")
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(
                request,
                ngettext(
                    "Saved: %(count)d slot is marked unavailable.",
                    "Saved: %(count)d slots are marked unavailable.",
                    count,
                )
                % {"count": count},
            )
            return redirect("availability")
    zones = zones_for(request.user, tour)
    context = {
        "party": party,
        "tour": tour,
        "zones": zones,
        "days": [
            [(show_time(row.slot.starts_at, zones), row) for row in day]
            for day in availability_grid(party, tour)
        ],
        "waiting": waiting_requests(party, tour),
    }
    return render(request, "matchmaking/availability.html", context, status=status)
