"""Which role a page is for; the objects themselves are checked in matchmaking.permissions."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..permissions import institution_of, tandem_of


def tandem_member_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        tandem = tandem_of(request.user)
        if tandem is None:
            raise PermissionDenied
        return view(request, tandem, *args, **kwargs)

    return wrapper


def representative_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        institution = institution_of(request.user)
        if institution is None:
            raise PermissionDenied
        return view(request, institution, *args, **kwargs)

    return wrapper
