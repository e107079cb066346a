"""Who may see or change what: the one place views, admin actions and services ask."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .enums import Direction, RegistrationStatus, TourStatus
from .models import (
    Consent,
    FollowUp,
    Institution,
    Meeting,
    MeetingRequest,
    Participation,
    Registration,
    Session,
    SupportingOffice,
    Tandem,
    Tour,
    User,
)
from .models.consent import CURRENT_CONSENT_VERSION
from .models.sessions import TAKES_REGISTRATIONS
from .roles import ORGANISERS_GROUP

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


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


def may_manage_account(actor: User, account: User) -> bool:
    """Whether ``actor`` may change ``account``'s e-mail, status, groups and permissions, or
    delete it. Superusers may manage every account; organisers only the accounts of people who
    are neither staff nor superuser, so no organiser can take over or lock out a colleague or an
    administrator. (Nobody sets another person's password: see services.accounts.)"""
    if actor.is_superuser:
        return True
    return is_organiser(actor) and not (account.is_staff or account.is_superuser)


def roles_of(user: User) -> dict[int, Participation]:
    """The person's role in each tour they take part in, by tour id: one query, kept on the user
    object for the rest of the request. A partner's role in a tour still being drafted does not
    count yet; a tandem prepares its profile before the tour opens."""
    if not user.is_authenticated:
        return {}
    remember_roles([user])
    return user._roles


def remember_roles(users: Iterable[User]) -> None:
    """``roles_of`` for many people at once, kept on each user object (the recipients of a
    batch of e-mails, whose zones each depend on their role): from the cache where it holds the
    person's current ``roles_version``, the others in one query."""
    waiting = [user for user in users if user.is_authenticated and not hasattr(user, "_roles")]
    if not waiting:
        return
    keys = {user.pk: _roles_key(user) for user in waiting}
    cached = cache.get_many([key for key in keys.values() if key])
    for user in waiting:
        if keys[user.pk] in cached:
            user._roles, in_office = cached[keys[user.pk]]
            if in_office is not None:
                user._in_office = in_office
    reading = [user for user in waiting if not hasattr(user, "_roles")]
    if reading:
        _read_roles(reading)
        cache.set_many(
            {
                keys[user.pk]: (user._roles, getattr(user, "_in_office", None))
                for user in reading
                if keys[user.pk]
            },
            ROLES_SECONDS,
        )


# How long a person's roles stay in the cache since they were read: every change to them comes
# with a new ``roles_version`` (services/role_versions.py), so this only frees the memory of
# people who left.
ROLES_SECONDS = 3600
ROLES_KEY = "roles"


def forget_kept_roles() -> int:
    """Drop everyone's roles kept in Redis (after `make restore`, whose database counts the
    roles versions from lower numbers again); how many were dropped. A cache in process memory
    (the embedded mode) ends with its process anyway."""
    if not hasattr(getattr(cache, "_cache", None), "get_client"):
        return 0
    redis = cache._cache.get_client(write=True)
    keys = list(redis.scan_iter(match=f"*:{ROLES_KEY}:*", count=1000))
    for start in range(0, len(keys), 1000):
        redis.delete(*keys[start : start + 1000])
    return len(keys)


def _roles_key(user: User) -> str | None:
    """Names the person's roles as the database holds them now: the row's ``roles_version``
    and the shape of the rows kept (a new field after a deployment reads them afresh); the
    moment the account was made tells it from an account with the same id in another database.
    None for a user object read without those fields (then nothing is cached)."""
    if {"roles_version", "date_joined"} & user.get_deferred_fields():
        return None
    made = user.date_joined.timestamp()
    return f"{ROLES_KEY}:{_ROLE_ROWS_SHAPE}:{user.pk}:{made}:{user.roles_version}"


_ROLE_ROWS_SHAPE = hashlib.sha256(
    repr(
        [
            (m.__name__, [f.attname for f in m._meta.concrete_fields])
            for m in (Participation, Tour, Tandem, Institution)
        ]
    ).encode()
).hexdigest()[:12]


def _read_roles(waiting: list[User]) -> None:
    rows = (
        Participation.objects.filter(user__in={user.pk for user in waiting})
        .select_related("tour", "tandem", "institution")
        # Whether the person also works for a supporting office (``sees_pipeline``, which every
        # page's menu asks): answered here for anyone with a role, not in a query of its own.
        .annotate(in_office=Exists(_supporting_offices().filter(people=OuterRef("user_id"))))
    )
    roles: dict[int, dict[int, Participation]] = defaultdict(dict)
    in_office: dict[int, bool] = {}
    for p in rows:
        in_office[p.user_id] = p.in_office
        if p.tandem is not None:
            # A member's tour is their tandem's (a database constraint): not joined twice.
            p.tandem.tour = p.tour
        if p.tandem_id is not None or p.tour.status != TourStatus.DRAFT:
            roles[p.user_id][p.tour_id] = p
    for user in waiting:
        user._roles = roles[user.pk]
        if user.pk in in_office:
            user._in_office = in_office[user.pk]


def role_in(user: User, tour: Tour | int | None) -> Participation | None:
    """The person's one role in this tour, or None."""
    tour_id = tour.pk if isinstance(tour, Tour) else tour
    return roles_of(user).get(tour_id) if tour_id is not None else None


def tandem_of(user: User, tour: Tour | int | None) -> Tandem | None:
    role = role_in(user, tour)
    return role.tandem if role is not None else None


def institution_of(user: User, tour: Tour | int | None) -> Institution | None:
    role = role_in(user, tour)
    return role.institution if role is not None else None


def tours_of(user: User) -> QuerySet[Tour]:
    """The tours the user takes part in (every tour for an organiser)."""
    if is_organiser(user):
        return Tour.objects.all()
    return Tour.objects.filter(pk__in=list(roles_of(user)))


def tour_by_slug(user: User, slug: str) -> Tour | None:
    """One of the user's tours named in a form or link, or None (also for text that is no slug,
    such as a NUL character the database would refuse)."""
    if not SLUG.fullmatch(slug or ""):
        return None
    return tours_of(user).filter(slug=slug).first()


def current_tour(user: User) -> Tour | None:
    """The tour the person works in now: the one chosen in the tour switcher while they still
    take part in it, else their newest tour open for requests, else their newest tour. For an
    organiser any tour can be chosen; by default the newest that is not a draft."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_current_tour"):
        user._current_tour = _current_tour(user)
    return user._current_tour


def _current_tour(user: User) -> Tour | None:
    if is_organiser(user):
        if user.chosen_tour_id is not None:
            return user.chosen_tour
        return Tour.objects.exclude(status=TourStatus.DRAFT).order_by("-created_at").first()
    roles = roles_of(user)
    if user.chosen_tour_id in roles:
        return roles[user.chosen_tour_id].tour
    return preferred_tour([role.tour for role in roles.values()])


def preferred_tour(tours: list[Tour]) -> Tour | None:
    """Of several tours, the one a person most likely means: open for requests, then newest."""
    return max(tours, key=lambda t: (t.accepts_requests, t.created_at), default=None)


def side_of(user: User, request: MeetingRequest | Meeting) -> Side | None:
    """The side the user acts for on this request, or None if it does not concern them. Only
    the user's role in the request's own tour counts."""
    role = role_in(user, request.tour_id)
    # A role names either a tandem or an institution, the request both.
    if role is not None and role.tandem_id == request.tandem_id:
        return Side.TANDEM
    if role is not None and role.institution_id == request.institution_id:
        return Side.INSTITUTION
    if is_organiser(user):
        return Side.ORGANISER
    return None


def requester_side(request: MeetingRequest) -> Side:
    return Side.TANDEM if request.direction == Direction.TANDEM_TO_INSTITUTION else Side.INSTITUTION


def receiver_side(request: MeetingRequest) -> Side:
    return Side.INSTITUTION if request.direction == Direction.TANDEM_TO_INSTITUTION else Side.TANDEM


def _of_party(user: User, tour: Tour | None, model) -> QuerySet:
    """The rows of the tour that belong to the user's party there: its tandem's or its
    institution's (requests, meetings). An organiser sees every tour's, or the given tour's."""
    if is_organiser(user):
        return model.objects.filter(tour=tour) if tour is not None else model.objects.all()
    role = role_in(user, tour)
    if role is None:
        return model.objects.none()
    if role.tandem_id is not None:
        return model.objects.filter(tour=tour, tandem_id=role.tandem_id)
    return model.objects.filter(tour=tour, institution_id=role.institution_id)


def requests_visible_to(user: User, tour: Tour | None) -> QuerySet[MeetingRequest]:
    return _of_party(user, tour, MeetingRequest)


def meetings_visible_to(user: User, tour: Tour | None) -> QuerySet[Meeting]:
    return _of_party(user, tour, Meeting)


def _for_organiser_anywhere(user: User, tour: Tour | None) -> Tour | None:
    # Organisers open any tour's objects from the admin; everybody else only the current tour's.
    return None if is_organiser(user) else tour


def get_request_for_user(user: User, pk: int, tour: Tour | None) -> MeetingRequest:
    """The request if it concerns the user's party in the tour; 404 otherwise, so ids of others
    and of other tours reveal nothing."""
    visible = requests_visible_to(user, _for_organiser_anywhere(user, tour))
    return get_object_or_404(visible.select_related("tandem", "institution", "tour"), pk=pk)


def get_meeting_for_user(user: User, pk: int, tour: Tour | None) -> Meeting:
    visible = meetings_visible_to(user, _for_organiser_anywhere(user, tour))
    return get_object_or_404(visible.select_related("tandem", "institution", "tour"), pk=pk)


def has_consented(user: User) -> bool:
    """Whether the person agreed to the current consent text (kept for the request)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_consented"):
        user._has_consented = Consent.objects.filter(
            user=user, version=CURRENT_CONSENT_VERSION, withdrawn_at__isnull=True
        ).exists()
    return user._has_consented


def _someone_has_not_agreed(people: QuerySet[Participation]) -> Exists:
    agreed = Consent.objects.filter(
        version=CURRENT_CONSENT_VERSION, withdrawn_at__isnull=True
    ).values("user_id")
    return Exists(people.exclude(user_id__in=agreed))


def shown_across(parties: QuerySet[Institution] | QuerySet[Tandem], tour: Tour | None) -> QuerySet:
    """The one rule of consent across the border: an institution's or a tandem's profile is
    shown to the other side of the tour only once every one of its people there (the
    institution's representatives in the tour, the tandem's members) agreed to the current
    consent text. An institution nobody represents yet shows only what the organisers wrote
    about it, no person's data. Every list, search and profile page of another party goes
    through here (institutions_visible_to, tandems_visible_to, recommendations)."""
    if parties.model is Institution:
        people = Participation.objects.filter(institution=OuterRef("pk"), tour=tour)
    else:
        people = Participation.objects.filter(tandem=OuterRef("pk"))
    return parties.exclude(_someone_has_not_agreed(people))


def institutions_visible_to(user: User, tour: Tour | None) -> QuerySet[Institution]:
    """Partner profiles are for the people of the same tour: tandems looking for partners, and
    representatives seeing who else takes part; shown once their people agreed (a
    representative always sees their own)."""
    if is_organiser(user):
        return Institution.objects.all()
    role = role_in(user, tour)
    if role is None:
        return Institution.objects.none()
    shown = shown_across(Institution.objects.filter(tours=tour), tour)
    if role.institution_id is not None:
        # OR-ing the tour join would repeat an institution once per tour it takes part in.
        shown = Institution.objects.filter(Q(pk__in=shown.values("pk")) | Q(pk=role.institution_id))
    return shown


def tandems_visible_to(user: User, tour: Tour | None) -> QuerySet[Tandem]:
    """A tandem member sees their own tandem; a representative the tandems of the tour whose
    members agreed to be shown."""
    if is_organiser(user):
        return Tandem.objects.filter(tour=tour) if tour is not None else Tandem.objects.all()
    role = role_in(user, tour)
    if role is None:
        return Tandem.objects.none()
    if role.tandem_id is not None:
        return Tandem.objects.filter(pk=role.tandem_id)
    return shown_across(Tandem.objects.filter(tour=tour), tour)


def sessions_visible_to(user: User, tour: Tour | None) -> QuerySet[Session]:
    """The tour's published sessions the user takes part in (their own agenda): as a named
    participant, host or speaker's institution, or with a confirmed registration of their
    party (the same parties ``selectors.slots.parties_of_sessions`` counts as busy)."""
    published = Session.objects.filter(is_published=True)
    if is_organiser(user):
        return published.filter(tour=tour) if tour is not None else published
    role = role_in(user, tour)
    if role is None:
        return Session.objects.none()
    return sessions_of_party(
        published.filter(tour=tour), tandem_id=role.tandem_id, institution_id=role.institution_id
    )


def sessions_of_party(
    sessions: QuerySet[Session], *, tandem_id: int | None = None, institution_id: int | None = None
) -> QuerySet[Session]:
    """The sessions that keep a tandem or an institution busy: a tandem's own; an institution's
    as participant, host or through a speaker; either's with a confirmed registration (the rule
    of ``selectors.slots.parties_of_sessions``)."""
    confirmed = RegistrationStatus.CONFIRMED
    if tandem_id is not None:
        sessions = sessions.filter(
            Q(tandems=tandem_id)
            | Q(registrations__tandem=tandem_id, registrations__status=confirmed)
        ).distinct()
    if institution_id is not None:
        sessions = sessions.filter(
            Q(institutions=institution_id)
            | Q(host=institution_id)
            | Q(speakers__institution=institution_id)
            | Q(registrations__institution=institution_id, registrations__status=confirmed)
        ).distinct()
    return sessions


def registrations_visible_to(user: User, tour: Tour | None) -> QuerySet[Registration]:
    """The registrations of the user's party in the tour (every one for an organiser)."""
    if is_organiser(user):
        everyone = Registration.objects.all()
        return everyone.filter(session__tour=tour) if tour is not None else everyone
    role = role_in(user, tour)
    if role is None:
        return Registration.objects.none()
    return Registration.objects.filter(
        session__tour=tour, tandem_id=role.tandem_id, institution_id=role.institution_id
    )


def get_registration_for_user(user: User, pk: int, tour: Tour | None) -> Registration:
    """The registration if it is the user's party's in the tour; 404 otherwise."""
    visible = registrations_visible_to(user, _for_organiser_anywhere(user, tour))
    return get_object_or_404(visible.select_related("session__tour"), pk=pk)


def get_session_to_register(user: User, pk: int, tour: Tour | None) -> Session:
    """A published session of the tour that takes registrations, for a person with a role
    there; 404 otherwise."""
    if role_in(user, tour) is None:
        raise Http404
    sessions = Session.objects.filter(tour=tour, is_published=True).filter(TAKES_REGISTRATIONS)
    return get_object_or_404(sessions.select_related("tour"), pk=pk)


def get_institution_for_user(user: User, pk: int, tour: Tour | None) -> Institution:
    return get_object_or_404(institutions_visible_to(user, tour), pk=pk)


def get_tandem_for_user(user: User, pk: int, tour: Tour | None) -> Tandem:
    visible = tandems_visible_to(user, _for_organiser_anywhere(user, tour))
    return get_object_or_404(visible.select_related("tour"), pk=pk)


def get_session_for_user(user: User, pk: int, tour: Tour | None) -> Session:
    return get_object_or_404(sessions_visible_to(user, _for_organiser_anywhere(user, tour)), pk=pk)


def represents(user: User, institution: Institution) -> bool:
    """Whether the person represents the institution in any of their tours: its profile is the
    same in every tour, so any of its representatives may keep it up to date."""
    return any(role.institution_id == institution.pk for role in roles_of(user).values())


def can_replace_video_link(user: User, meeting: Meeting) -> bool:
    """The partner knows which video services work in China; organisers may help out."""
    # A meeting carries the same tandem and institution as its request.
    return side_of(user, meeting) in (Side.INSTITUTION, Side.ORGANISER)


# --- after the tour: follow-ups and the supporting offices -------------------------------------


def supported_tours(user: User) -> QuerySet[Tour]:
    """The tours supported by the offices the person works for (none for most people)."""
    if not user.is_authenticated:
        return Tour.objects.none()
    return Tour.objects.filter(pk__in=SupportingOffice.objects.filter(people=user).values("tours"))


def _supporting_offices() -> QuerySet[SupportingOffice]:
    """The offices that support a tour: working for one shows its tours' pipeline."""
    return SupportingOffice.objects.filter(tours__isnull=False)


def sees_pipeline(user: User) -> bool:
    """Organisers see the whole follow-up pipeline; a supporting office that of its tours."""
    if is_organiser(user):
        return True
    if not user.is_authenticated:
        return False
    roles_of(user)
    if not hasattr(user, "_in_office"):  # nobody's participant: asked on its own
        user._in_office = _supporting_offices().filter(people=user).exists()
    return user._in_office


def followups_visible_to(user: User, tour: Tour | None) -> QuerySet[FollowUp]:
    """Organisers see every follow-up (or the tour's); a supporting office those of the tours
    it supports; the tandem and the institution of a contact their own, in the tour."""
    if is_organiser(user):
        return FollowUp.objects.filter(tour=tour) if tour is not None else FollowUp.objects.all()
    seen = Q(tour__in=supported_tours(user))
    if tour is not None:
        seen &= Q(tour=tour)
    role = role_in(user, tour)
    if role is not None and role.tandem_id is not None:
        seen |= Q(tour=tour, tandem_id=role.tandem_id)
    elif role is not None:
        seen |= Q(tour=tour, institution_id=role.institution_id)
    return FollowUp.objects.filter(seen)


def get_followup_for_user(user: User, pk: int, tour: Tour | None) -> FollowUp:
    """The follow-up if the person may see it; 404 otherwise, so other contacts' and other
    tours' ids reveal nothing. Organisers and offices open it from any tour they see."""
    anywhere = is_organiser(user) or supported_tours(user).filter(follow_ups=pk).exists()
    visible = followups_visible_to(user, None if anywhere else tour)
    return get_object_or_404(
        visible.select_related("tour", "tandem", "institution", "owner"), pk=pk
    )


def may_change_followup(user: User, follow_up: FollowUp) -> bool:
    """The two sides of the contact keep their follow-ups up to date (organisers may help);
    a supporting office only reads them and adds notes."""
    if is_organiser(user):
        return True
    role = role_in(user, follow_up.tour_id)
    return role is not None and (
        role.tandem_id == follow_up.tandem_id
        if role.tandem_id is not None
        else role.institution_id == follow_up.institution_id
    )
