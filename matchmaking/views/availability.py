"""A tandem's or institution's availability: tick the slots in which it cannot meet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..permissions import tours_of
from ..selectors.availability import availability_grid, party_of, waiting_requests
from ..services import DomainError
from ..services.availability import set_availability
from ..timezones import show_time, zones_for


@login_required
def availability(request):
    party = party_of(request.user)
    if party is None:
        messages.info(
            request,
            _("Organisers manage unavailable slots in the admin site (Unavailable slots)."),
        )
        return redirect("dashboard")
    tours = list(tours_of(request.user))
    slug = request.POST.get("tour") or request.GET.get("tour")
    if slug:
        tour = next((t for t in tours if t.slug == slug), None)
        if tour is None:
            raise Http404
    else:
        tour = tours[0] if tours else None
    status = 200
    if tour is not None and request.method == "POST":
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
            return redirect(f"{reverse('availability')}?tour={tour.slug}")
    days = []
    zones = zones_for(request.user, tour)
    if tour is not None:
        days = [
            [(show_time(row.slot.starts_at, zones), row) for row in day]
            for day in availability_grid(party, tour)
        ]
    context = {
        "party": party,
        "tour": tour,
        "tours": tours,
        "zones": zones,
        "days": days,
        "waiting": waiting_requests(party, tour) if tour is not None else [],
    }
    return render(request, "matchmaking/availability.html", context, status=status)
