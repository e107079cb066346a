"""Which role a page is for; the objects themselves are checked in matchmaking.permissions."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..permissions import institution_of, tandem_of


def _role_required(party_of):
    """The page is for people who act for a party (their tandem or institution), which the view
    receives as its second argument; anybody else is refused."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            party = party_of(request.user)
            if party is None:
                raise PermissionDenied
            return view(request, party, *args, **kwargs)

        return wrapper

    return decorator


tandem_member_required = _role_required(tandem_of)
representative_required = _role_required(institution_of)
