from django.shortcuts import redirect

from ..adapters import landing_url
from .access import login_required


@login_required
def dashboard(request):
    return redirect(landing_url(request.user))
