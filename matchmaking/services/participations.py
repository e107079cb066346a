"""A person's role in a tour given directly by an organiser (the data import of representatives),
not by an invitation: the same rules as on accepting one (one role per person per tour, an
institution only in a tour it joins), checked by ``invitations.role_problem``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..enums import LogAction
from ..models import Institution, InvitationRole, Representative, Tour, User
from ..models.refusals import refusal_of
from ..permissions import is_organiser
from .activity import from_to, log_action
from .errors import DomainError
from .invitations import role_problem


def add_representative(
    *, actor: User, user: User, institution: Institution, tour: Tour, position: str = ""
) -> Representative:
    """Make ``user`` a representative of ``institution`` in ``tour``; logged on the
    representative. Refused when the person already has another role in that tour."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    with transaction.atomic():
        tour = Tour.objects.select_for_update().get(pk=tour.pk)
        problem = role_problem(
            email=user.email,
            role=InvitationRole.REPRESENTATIVE,
            tour=tour,
            tandem=None,
            institution=institution,
            user=user,
        )
        if problem:
            raise DomainError(problem)
        if Representative.objects.filter(user=user, tour=tour).exists():
            raise DomainError(
                _("%(person)s already represents %(institution)s in %(tour)s.")
                % {"person": user, "institution": institution, "tour": tour}
            )
        try:
            with transaction.atomic():
                representative = Representative.objects.create(
                    user=user, tour=tour, institution=institution, position=position
                )
        except IntegrityError as exc:
            raise DomainError(refusal_of(exc)) from exc
        log_action(
            actor=actor,
            obj=representative,
            action=LogAction.CREATE,
            data={"institution": str(institution), "tour": str(tour), "position": position},
        )
    return representative


def change_representative_position(
    *, actor: User, representative: Representative, position: str
) -> Representative:
    """The position a representative holds (shown beside their name); logged with old and new."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    with transaction.atomic():
        representative = Representative.objects.select_for_update().get(pk=representative.pk)
        if representative.position != position:
            log_action(
                actor=actor,
                obj=representative,
                action=LogAction.CHANGE,
                data={"fields": {"position": from_to(representative.position, position)}},
            )
            representative.position = position
            representative.save(update_fields=["position"])
    return representative
