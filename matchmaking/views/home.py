from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from ..adapters import landing_url
from ..models import Tour
from ..permissions import institution_of, tandem_of


def home(request):
    tour = Tour.objects.exclude(status="draft").first()
    return render(request, "matchmaking/home.html", {"tour": tour})


@login_required
def dashboard(request):
    return redirect(landing_url(request.user))


@login_required
def tandem_dashboard(request):
    tandem = tandem_of(request.user)
    if tandem is None:
        return redirect("dashboard")
    return render(request, "matchmaking/tandem_dashboard.html", {"tandem": tandem})


@login_required
def partner_dashboard(request):
    institution = institution_of(request.user)
    if institution is None:
        return redirect("dashboard")
    return render(request, "matchmaking/partner_dashboard.html", {"institution": institution})
