from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from ..adapters import landing_url


@login_required
def dashboard(request):
    return redirect(landing_url(request.user))
