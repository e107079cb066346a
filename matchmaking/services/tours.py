"""A tour's status: draft → open for requests → running → finished, one service for every step
(the map of allowed steps is ``enums.TOUR_TRANSITIONS``).

Nobody is e-mailed: the portal's pages read the status (a draft is shown to nobody but the
organisers, requests are taken while the tour is open or running) and the history keeps who
changed it when."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import TOUR_TRANSITIONS, LogAction, MeetingStatus, TourStatus
from ..models import Meeting, Tour, User
from ..permissions import is_organiser
from .activity import from_to, log_action
from .errors import DomainError

# One whole sentence per refused step (as in transitions.py); the status the tour is in is
# shown as its label, quoted.
TOUR_REFUSALS = {
    TourStatus.DRAFT: gettext_lazy("This tour is “%(status)s” and cannot go back to draft."),
    TourStatus.OPEN: gettext_lazy("This tour is “%(status)s” and cannot be opened for requests."),
    TourStatus.RUNNING: gettext_lazy("This tour is “%(status)s” and cannot be marked as running."),
    TourStatus.FINISHED: gettext_lazy(
        "This tour is “%(status)s” and cannot be marked as finished."
    ),
}


def ensure_tour_transition(current: str, target: str) -> None:
    if target not in TOUR_TRANSITIONS[current]:
        raise DomainError(TOUR_REFUSALS[target] % {"status": TourStatus(current).label})


def change_tour_status(*, actor: User, tour: Tour, status: str) -> Tour:
    """Move the tour to ``status`` if the map allows it from where it is; logged."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    if status not in TourStatus.values:
        raise DomainError(_("Unknown status “%(status)s”.") % {"status": status})
    with transaction.atomic():
        tour = Tour.objects.select_for_update().get(pk=tour.pk)
        previous = tour.status
        ensure_tour_transition(previous, status)
        tour.status = status
        tour.save(update_fields=["status"])
        log_action(
            actor=actor,
            obj=tour,
            action=LogAction.STATUS,
            data={"status": from_to(previous, status)},
        )
    return tour


def ensure_slot_length_may_change(*, tour: Tour) -> None:
    """Scheduled meetings sit in the tour's slots: another slot length would cut the days anew
    and leave them across slot boundaries, unseen by the grid and the planner."""
    scheduled = Meeting.objects.filter(tour=tour, status=MeetingStatus.SCHEDULED).count()
    if scheduled:
        raise DomainError(
            _(
                "The slot length cannot change while the tour has scheduled meetings "
                "(%(count)d): move them out of the schedule or cancel them first."
            )
            % {"count": scheduled}
        )
