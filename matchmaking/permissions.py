"""Who may see or change what: the one place views, admin actions and services ask."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .enums import Direction, TourStatus
from .models import Institution, Meeting, MeetingRequest, Session, Tandem, Tour, User
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


def side_of(user: User, request: MeetingRequest | Meeting) -> Side | None:
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
    visible = requests_visible_to(user).select_related("tandem", "institution", "tour")
    return get_object_or_404(visible, pk=pk)


def get_meeting_for_user(user: User, pk: int) -> Meeting:
    visible = meetings_visible_to(user).select_related("tandem", "institution", "tour")
    return get_object_or_404(visible, pk=pk)


def tours_of(user: User) -> QuerySet[Tour]:
    """The tours the user takes part in (every tour for an organiser); drafts stay hidden."""
    if is_organiser(user):
        return Tour.objects.all()
    tandem, institution = tandem_of(user), institution_of(user)
    if tandem:
        return Tour.objects.filter(pk=tandem.tour_id)
    if institution:
        return Tour.objects.filter(institutions=institution).exclude(status=TourStatus.DRAFT)
    return Tour.objects.none()


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    """Partner profiles are for the people of the same tour: tandems looking for partners, and
    representatives seeing who else takes part."""
    if is_organiser(user):
        return Institution.objects.all()
    return Institution.objects.filter(tours__in=tours_of(user)).distinct()


def tandems_visible_to(user: User) -> QuerySet[Tandem]:
    """A tandem member sees its own tandem; a representative the tandems of its tours."""
    if is_organiser(user):
        return Tandem.objects.all()
    tandem, institution = tandem_of(user), institution_of(user)
    if tandem:
        return Tandem.objects.filter(pk=tandem.pk)
    if institution:
        return Tandem.objects.filter(tour__in=tours_of(user))
    return Tandem.objects.none()


def sessions_visible_to(user: User) -> QuerySet[Session]:
    """The published sessions the user takes part in (their own agenda)."""
    published = Session.objects.filter(is_published=True)
    if is_organiser(user):
        return published
    tandem, institution = tandem_of(user), institution_of(user)
    if tandem:
        return published.filter(tandems=tandem)
    if institution:
        return published.filter(
            Q(institutions=institution) | Q(host=institution) | Q(speakers__institution=institution)
        ).distinct()
    return Session.objects.none()


def get_institution_for_user(user: User, pk: int) -> Institution:
    return get_object_or_404(institutions_visible_to(user), pk=pk)


def get_tandem_for_user(user: User, pk: int) -> Tandem:
    return get_object_or_404(tandems_visible_to(user).select_related("tour"), pk=pk)


def get_session_for_user(user: User, pk: int) -> Session:
    return get_object_or_404(sessions_visible_to(user), pk=pk)


def can_replace_video_link(user: User, meeting: Meeting) -> bool:
    """The partner knows which video services work in China; organisers may help out."""
    # A meeting carries the same tandem and institution as its request.
    return side_of(user, meeting) in (Side.INSTITUTION, Side.ORGANISER)
