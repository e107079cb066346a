"""Which role a page is for, in which tour; the objects themselves are checked in
matchmaking.permissions."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..permissions import current_tour, institution_of, preferred_tour, roles_of, tandem_of
from ..services.profiles import choose_tour


def _role_required(party_of):
    """The page is for people who act for a party (their tandem or institution) in the current
    tour, which the view receives as its second argument. A person who has that kind of role
    only in another of their tours (a bookmark, a link from an e-mail) is taken to that tour;
    anybody else is refused."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            party = party_of(user, current_tour(user))
            if party is None:
                tours = [r.tour for r in roles_of(user).values() if party_of(user, r.tour_id)]
                if not tours:
                    raise PermissionDenied
                tour = choose_tour(user=user, tour=preferred_tour(tours))
                party = party_of(user, tour)
            return view(request, party, *args, **kwargs)

        return wrapper

    return decorator


tandem_member_required = _role_required(tandem_of)
representative_required = _role_required(institution_of)
