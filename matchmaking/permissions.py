"""Who may see or change what: the one place views, admin actions and services ask."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404

from .enums import Direction
from .models import Institution, Meeting, MeetingRequest, Tandem, User
from .roles import ORGANISERS_GROUP


class Side(StrEnum):
    TANDEM = "tandem"
    INSTITUTION = "institution"
    ORGANISER = "organiser"


def is_organiser(user: User) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_organiser"):
        user._is_organiser = user.groups.filter(name=ORGANISERS_GROUP).exists()
    return user._is_organiser


def tandem_of(user: User) -> Tandem | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "tandem_membership", None)
    return membership.tandem if membership else None


def institution_of(user: User) -> Institution | None:
    if not user.is_authenticated:
        return None
    representative = getattr(user, "representative", None)
    return representative.institution if representative else None


def side_of(user: User, request: MeetingRequest) -> Side | None:
    """The side the user acts for on this request, or None if it does not concern them."""
    tandem, institution = tandem_of(user), institution_of(user)
    if tandem is not None and tandem.pk == request.tandem_id:
        return Side.TANDEM
    if institution is not None and institution.pk == request.institution_id:
        return Side.INSTITUTION
    if is_organiser(user):
        return Side.ORGANISER
    return None


def requester_side(request: MeetingRequest) -> Side:
    return Side.TANDEM if request.direction == Direction.TANDEM_TO_INSTITUTION else Side.INSTITUTION


def receiver_side(request: MeetingRequest) -> Side:
    return Side.INSTITUTION if request.direction == Direction.TANDEM_TO_INSTITUTION else Side.TANDEM


def requests_visible_to(user: User) -> QuerySet[MeetingRequest]:
    if is_organiser(user):
        return MeetingRequest.objects.all()
    tandem, institution = tandem_of(user), institution_of(user)
    if tandem:
        return MeetingRequest.objects.filter(tandem=tandem)
    if institution:
        return MeetingRequest.objects.filter(institution=institution)
    return MeetingRequest.objects.none()


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    if is_organiser(user):
        return Meeting.objects.all()
    tandem, institution = tandem_of(user), institution_of(user)
    if tandem:
        return Meeting.objects.filter(tandem=tandem)
    if institution:
        return Meeting.objects.filter(institution=institution)
    return Meeting.objects.none()


def get_request_for_user(user: User, pk: int) -> MeetingRequest:
    """The request if it concerns the user; 404 otherwise, so ids of others reveal nothing."""
    try:
        return requests_visible_to(user).select_related("tandem", "institution", "tour").get(pk=pk)
    except MeetingRequest.DoesNotExist as exc:
        raise Http404 from exc


def get_meeting_for_user(user: User, pk: int) -> Meeting:
    try:
        return meetings_visible_to(user).select_related("tandem", "institution", "tour").get(pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc
