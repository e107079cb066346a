"""Sessions that take registrations, seen by a tandem member or a partner representative: the
list with places and waiting lists, registering the party and cancelling its registration."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import RegistrationStatus
from ..models import Registration
from ..permissions import current_tour, get_registration_for_user, get_session_to_register
from ..selectors.registrations import meetings_during, sessions_to_register, with_waiting_position
from ..services import DomainError
from ..services.registrations import cancel_registration, register_for_session
from .access import participant_required


def _party(role) -> dict:
    return {"tandem_id": role.tandem_id, "institution_id": role.institution_id}


@participant_required
def session_list(request, role):
    tour = current_tour(request.user)
    context = {
        "role": role,
        "party": role.tandem or role.institution,
        "rows": sessions_to_register(tour, **_party(role)),
        "now": timezone.now(),
    }
    return render(request, "matchmaking/sessions.html", context)


def _opened_by_address(request) -> bool:
    """A form endpoint opened by address (a login that returned to it) shows the list."""
    return request.method != "POST"


@participant_required
def register(request, role, pk: int):
    if _opened_by_address(request):
        return redirect("session_list")
    session = get_session_to_register(request.user, pk, current_tour(request.user))
    try:
        registration = register_for_session(
            actor=request.user, session=session, tandem=role.tandem, institution=role.institution
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("session_list")
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(
            request,
            _("You are registered for “%(title)s”; it is in your schedule now.")
            % {"title": session.title},
        )
    else:
        position = with_waiting_position(Registration.objects.filter(pk=registration.pk))
        messages.success(
            request,
            _(
                "“%(title)s” is full: you are on the waiting list, place %(position)d. When a "
                "place becomes free you move up by yourself and we e-mail you."
            )
            % {"title": session.title, "position": position.get().waiting_position},
        )
    clashes = meetings_during(session, **_party(role))
    if clashes:
        messages.warning(
            request,
            _(
                "At the same time you have a meeting: %(meetings)s. Both stay in your schedule; "
                "cancel one of them if you cannot attend both."
            )
            % {"meetings": "; ".join(f"{m.tandem.name} ↔ {m.institution.name}" for m in clashes)},
        )
    return redirect("session_list")


@participant_required
def cancel(request, role, pk: int):
    if _opened_by_address(request):
        return redirect("session_list")
    registration = get_registration_for_user(request.user, pk, current_tour(request.user))
    try:
        cancel_registration(actor=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your registration for “%(title)s” is cancelled.")
            % {"title": registration.session.title},
        )
    return redirect("session_list")
