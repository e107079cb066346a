"""Meeting requests, seen by either side: ask, answer in turn (accept, confirm a proposed time,
propose another, decline), withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..enums import MeetingStatus, RequestStatus
from ..forms import (
    CancelMeetingForm,
    DeclineForm,
    MeetingRequestForm,
    accept_form,
    confirm_form,
    propose_form,
)
from ..models import Institution, MeetingRequest, Tandem
from ..permissions import (
    Side,
    current_tour,
    get_request_for_user,
    receiver_side,
    requester_side,
    side_of,
)
from ..services import DomainError
from ..services import requests as request_services
from ..services.meetings import in_time_to_cancel
from ..timezones import zones_for
from .access import form_of, login_required

BAD_REQUEST = 400


def offered_slots(tandem: Tandem, institution: Institution, tour):
    now = timezone.now()
    return [
        s
        for s in selectors.free_slots_for(tour, tandem_id=tandem.pk, institution_id=institution.pk)
        if s.starts_at > now
    ]


def request_form(request, tandem: Tandem, institution: Institution) -> MeetingRequestForm:
    return MeetingRequestForm(
        request.POST if request.method == "POST" else None,
        slots=offered_slots(tandem, institution, tandem.tour),
        zones=zones_for(request.user, tandem.tour),
    )


def ask(request, *, tandem, institution, direction, template, context):
    """Handle the meeting request form of an institution page or a tandem page."""
    if request.method == "GET" and context.get("open_request") is not None:
        return render(request, template, context)  # the page leads to it, with no form
    form = request_form(request, tandem, institution)
    if request.method == "POST" and form.is_valid():
        try:
            created = request_services.request_meeting(
                actor=request.user,
                tandem=tandem,
                institution=institution,
                direction=direction,
                message=form.cleaned_data["message"],
                preferred_starts=form.cleaned_data["preferred_starts"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your meeting request has been sent."))
            return redirect("request_detail", pk=created.pk)
    status = BAD_REQUEST if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def _answer_forms(
    request, meeting_request: MeetingRequest, data=None, bound: str = "", checking: bool = False
) -> dict:
    """The forms the user's side may use on this request, in the viewer's zone: the side whose
    turn it is may accept (the receiver), confirm a proposal of the other side, propose another
    time or decline; the receiver may decline at any time, the requester withdraw. ``checking``
    an answer needs the offered slots only when it names a time."""
    side = side_of(request.user, meeting_request)
    context = {
        "side": side,
        "my_turn": False,
        "can_accept": False,
        "can_propose": False,
        "can_withdraw": False,
        "can_confirm": False,
    }
    meeting = getattr(meeting_request, "meeting", None)
    if (
        meeting is not None
        and meeting.status == MeetingStatus.SCHEDULED
        and side in (Side.TANDEM, Side.INSTITUTION, Side.ORGANISER)
        and in_time_to_cancel(side, meeting)
    ):
        context["cancel_form"] = CancelMeetingForm(data if bound == "cancel" else None)
    if meeting_request.status != RequestStatus.PENDING:
        return context
    my_turn = side in (meeting_request.turn, Side.ORGANISER)
    receiving = side in (receiver_side(meeting_request), Side.ORGANISER)
    requesting = side in (requester_side(meeting_request), Side.ORGANISER)
    context["my_turn"] = my_turn
    if my_turn:
        zones = zones_for(request.user, meeting_request.tour)
        names_a_time = bound in ("accept", "propose") and bool((data or {}).get("start"))
        slots = (
            offered_slots(meeting_request.tandem, meeting_request.institution, meeting_request.tour)
            if names_a_time or not checking
            else []
        )
        rank = {p.starts_at: p.rank for p in meeting_request.preferred_slots.all()}
        # The requester's wishes come first in the list, in their order.
        slots.sort(key=lambda s: (rank.get(s.starts_at, len(rank) + 1), s.starts_at))
        context.update(
            can_accept=receiving,
            can_propose=True,
            can_confirm=meeting_request.proposed_start is not None,
            accept_form=accept_form(data if bound == "accept" else None, slots=slots, zones=zones),
            # The time on the table is answered by confirming it, not by proposing it back.
            propose_form=propose_form(
                data if bound == "propose" else None,
                slots=[s for s in slots if s.starts_at != meeting_request.proposed_start],
                zones=zones,
            ),
        )
        if meeting_request.proposed_start is not None:
            context["confirm_form"] = confirm_form(
                data if bound == "confirm" else None, proposed_start=meeting_request.proposed_start
            )
    if my_turn or receiving:
        context["decline_form"] = DeclineForm(data if bound == "decline" else None)
    context["can_withdraw"] = requesting
    return context


def _page(request, meeting_request, *, status=200, data=None, bound=""):
    meeting_request = selectors.with_details(
        MeetingRequest.objects.filter(pk=meeting_request.pk)
    ).get()
    context = {
        "meeting_request": meeting_request,
        "meeting": getattr(meeting_request, "meeting", None),
        "proposals": list(meeting_request.proposals.select_related("proposed_by")),
        "last_change": selectors.last_change(meeting_request),
        "viewer_zones": zones_for(request.user, meeting_request.tour),
        **_answer_forms(request, meeting_request, data, bound),
    }
    return render(request, "matchmaking/request_detail.html", context, status=status)


@login_required
def request_detail(request, pk: int):
    return _page(request, get_request_for_user(request.user, pk, current_tour(request.user)))


def _act(request, pk: int, bound: str, action):
    """Run one answer on a request; bad input or a refused change re-renders the page."""
    meeting_request = get_request_for_user(request.user, pk, current_tour(request.user))
    forms = _answer_forms(request, meeting_request, request.POST, bound, checking=True)
    form = forms.get(f"{bound}_form")
    if form is not None and not form.is_valid():
        return _page(request, meeting_request, status=BAD_REQUEST, data=request.POST, bound=bound)
    try:
        done = action(meeting_request, form.cleaned_data if form is not None else {})
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, meeting_request, status=BAD_REQUEST)
    messages.success(request, done)
    return redirect("request_detail", pk=pk)


@login_required
@form_of("request_detail")
def accept(request, pk: int):
    def run(meeting_request, data):
        # The service's own copy knows the meeting it placed, without asking again.
        accepted = request_services.accept_request(
            actor=request.user, request=meeting_request, start=data.get("start")
        )
        if getattr(accepted, "meeting", None) is None:
            return _("The request is accepted; the organisers will find a time for it.")
        return _("The request is accepted and the meeting is in your schedule.")

    return _act(request, pk, "accept", run)


@login_required
@form_of("request_detail")
def propose(request, pk: int):
    def run(meeting_request, data):
        request_services.propose_time(
            actor=request.user, request=meeting_request, start=data.get("start")
        )
        return _(
            "Your proposal has been sent; it is now the other side's turn to confirm it or "
            "propose another time."
        )

    return _act(request, pk, "propose", run)


@login_required
@form_of("request_detail")
def decline(request, pk: int):
    def run(meeting_request, data):
        request_services.decline_request(
            actor=request.user, request=meeting_request, reason=data.get("reason", "")
        )
        return _("The request is declined.")

    return _act(request, pk, "decline", run)


@login_required
@form_of("request_detail")
def cancel(request, pk: int):
    def run(meeting_request, data):
        if "reason" not in data:  # the page offers no cancelling: no meeting ahead to call off
            raise DomainError(_("This meeting can no longer be cancelled here."))
        request_services.cancel_request(
            actor=request.user, request=meeting_request, reason=data.get("reason", "")
        )
        return _("The meeting is cancelled; both sides have been told, with your reason.")

    return _act(request, pk, "cancel", run)


@login_required
@form_of("request_detail")
def withdraw(request, pk: int):
    def run(meeting_request, data):
        request_services.withdraw_request(actor=request.user, request=meeting_request)
        return _("The request is withdrawn.")

    return _act(request, pk, "withdraw", run)


@login_required
@form_of("request_detail")
def confirm(request, pk: int):
    def run(meeting_request, data):
        request_services.confirm_proposed_time(
            actor=request.user, request=meeting_request, start=data.get("start")
        )
        return _("The proposed time is confirmed and the meeting is in your schedule.")

    return _act(request, pk, "confirm", run)
