"""Registrations for sessions: register, cancel, the waiting list moving up, attendance.

Who registers: a party, never a single person. A tandem takes one place for its two members and
either member registers or cancels it; an institution takes one place for its representatives
in the tour and any of them registers or cancels it (the institution is the party that meets,
so its representatives are busy together, as with meetings). Organisers add and remove parties
through the same functions. Capacity counts places.

A place is confirmed while the session has room; beyond that the registration waits, in the
order registrations came, if the session keeps a waiting list, and is refused otherwise. Every
place freed (a cancellation, a larger capacity) goes to the first one waiting: exactly one
party moves up per place. A confirmed place keeps the party busy (``selectors.occupancy``)
and puts the session in its schedule and calendar feed; its people get an e-mail with the
calendar entry (REQUEST), and a cancelled place an e-mail with a CANCEL. Every such entry raises
the session's SEQUENCE, so the calendar takes the newest one.

Meetings of the party at the session's time do not stop a registration: the page warns
(``selectors.registrations``) and the party decides.

Locks: the tour row (KEY SHARE) and the acting party's row, as for meetings
(``services/calendars.py``), so a meeting placed for the party at the same moment waits and
then sees the session; then the session row ``FOR UPDATE``, so every change to one session's
list takes turns and reads the places and the waiting list as the previous one left them. The
parties moved up are not locked: their rows would come after the session row, out of order.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import ACTIVE_REGISTRATION_STATUSES, LogAction, RegistrationStatus
from ..models import Institution, Registration, Session, Tandem, User
from ..permissions import is_organiser, role_in
from ..selectors.availability import Party
from ..selectors.registrations import places_taken
from ..selectors.slots import session_parties
from .activity import from_to, log_action
from .calendars import lock_calendars
from .errors import DomainError


def _acts_for(actor: User, tour_id: int, *, tandem_id: int | None, institution_id: int | None):
    if is_organiser(actor):
        return
    role = role_in(actor, tour_id)
    if role is None or (role.tandem_id, role.institution_id) != (tandem_id, institution_id):
        raise DomainError(_("You can only register or cancel for your own tandem or institution."))


def _lock(session: Session, *, tandem_id: int | None, institution_id: int | None) -> Session:
    lock_calendars(
        session.tour_id,
        tandem_ids=[tandem_id] if tandem_id else [],
        institution_ids=[institution_id] if institution_id else [],
    )
    return Session.objects.select_for_update(of=("self",)).select_related("tour").get(pk=session.pk)


def _new_calendar_entry(session: Session) -> None:
    """A per-party entry (a place given or taken back) must outrank every earlier one."""
    session.sequence += 1
    session.save(update_fields=["sequence"])


def _announce_place(registration: Registration, *, moved_up: bool) -> None:
    """The party's people get the session's calendar entry (once it is on the programme)."""
    if registration.session.is_published:
        _new_calendar_entry(registration.session)
        notifications.registration_confirmed(registration, moved_up=moved_up)


def register_for_session(
    *,
    actor: User,
    session: Session,
    tandem: Tandem | None = None,
    institution: Institution | None = None,
) -> Registration:
    """Register a tandem or an institution: a confirmed place while there is room, else the
    waiting list (if the session keeps one). Refused twice, for a full session without a
    waiting list, and once the session has started (for organisers: once it has ended)."""
    if (tandem is None) == (institution is None):
        raise DomainError(_("Choose either a tandem or an institution."))
    tandem_id = tandem.pk if tandem else None
    institution_id = institution.pk if institution else None
    _acts_for(actor, session.tour_id, tandem_id=tandem_id, institution_id=institution_id)
    party = tandem or institution
    with transaction.atomic():
        session = _lock(session, tandem_id=tandem_id, institution_id=institution_id)
        now = timezone.now()
        if not session.takes_registrations:
            raise DomainError(_("This session does not take registrations."))
        if is_organiser(actor):
            if session.ends_at <= now:
                raise DomainError(_("This session is over."))
        else:
            if not session.is_published or not session.tour.accepts_requests:
                raise DomainError(_("Registrations for this session are not open."))
            if session.starts_at <= now:
                raise DomainError(_("This session has already started; registrations are closed."))
        if not Party(tandem=tandem, institution=institution).takes_part_in(session.tour_id):
            raise DomainError(_("%(party)s does not take part in this tour.") % {"party": party})
        named_tandems, named_institutions = session_parties(session, registered=False)
        if tandem_id in named_tandems or institution_id in named_institutions:
            raise DomainError(
                _("%(party)s already takes part in this session; the organisers named it.")
                % {"party": party}
            )
        existing = Registration.objects.filter(
            session=session,
            status__in=ACTIVE_REGISTRATION_STATUSES,
            tandem_id=tandem_id,
            institution_id=institution_id,
        ).first()
        if existing is not None:
            raise DomainError(_already_registered_message(existing))
        if places_taken(session) < session.capacity:
            status = RegistrationStatus.CONFIRMED
        elif session.keeps_waiting_list:
            status = RegistrationStatus.WAITING
        else:
            raise DomainError(_("This session is full and keeps no waiting list."))
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    session=session,
                    tandem=tandem,
                    institution=institution,
                    status=status,
                    registered_by=actor,
                    confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
                )
        except IntegrityError as exc:  # the session lock makes this the last word only
            raise DomainError(_("%(party)s is already registered.") % {"party": party}) from exc
        log_action(
            actor=actor,
            obj=registration,
            action=LogAction.REGISTER
            if status == RegistrationStatus.CONFIRMED
            else LogAction.WAITLIST,
            data={"status": from_to(None, status), "session": str(session)},
        )
        if status == RegistrationStatus.CONFIRMED:
            _announce_place(registration, moved_up=False)
    return registration


def _already_registered_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.WAITING:
        return _("%(party)s is already on the waiting list of this session.") % {
            "party": registration.party
        }
    return _("%(party)s is already registered for this session.") % {"party": registration.party}


def cancel_registration(*, actor: User, registration: Registration) -> Registration:
    """Give up a place or leave the waiting list; a freed place goes to the first one waiting.
    Participants cancel until the session starts, organisers any time."""
    _acts_for(
        actor,
        registration.session.tour_id,
        tandem_id=registration.tandem_id,
        institution_id=registration.institution_id,
    )
    with transaction.atomic():
        session = _lock(
            registration.session,
            tandem_id=registration.tandem_id,
            institution_id=registration.institution_id,
        )
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.session = session
        if registration.status == RegistrationStatus.CANCELLED:
            raise DomainError(_("This registration is already cancelled."))
        if not is_organiser(actor) and session.starts_at <= timezone.now():
            raise DomainError(
                _("The session has already started; the registration can no longer be cancelled.")
            )
        was = registration.status
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        log_action(
            actor=actor,
            obj=registration,
            action=LogAction.CANCEL_REGISTRATION,
            data={"status": from_to(was, RegistrationStatus.CANCELLED)},
        )
        had_place = was == RegistrationStatus.CONFIRMED
        if had_place and session.is_published:
            _new_calendar_entry(session)
        notifications.registration_cancelled(registration, actor=actor, had_place=had_place)
        if had_place:
            _move_up(session)
    return registration


def _move_up(session: Session) -> list[Registration]:
    """Inside the session's lock: the first ones waiting take the free places, one each."""
    if session.ends_at <= timezone.now():
        return []
    free = session.capacity - places_taken(session)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.filter(session=session, status=RegistrationStatus.WAITING)
        .select_related("tandem", "institution")
        .order_by("created_at", "pk")[:free]
    )
    for registration in waiting:
        registration.session = session
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        _announce_place(registration, moved_up=True)
        log_action(
            actor=None,
            obj=registration,
            action=LogAction.MOVE_UP,
            data={"status": from_to(RegistrationStatus.WAITING, RegistrationStatus.CONFIRMED)},
        )
    return waiting


def fill_free_places(*, actor: User, session: Session) -> list[Registration]:
    """After an organiser made room (a larger capacity): the waiting list moves up."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    with transaction.atomic():
        session = _lock(session, tandem_id=None, institution_id=None)
        return _move_up(session)


def mark_attendance(*, actor: User, registration: Registration, attended: bool) -> Registration:
    """Organisers record who came, once the session has started; only a confirmed place."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session")
            .get(pk=registration.pk)
        )
        if registration.status != RegistrationStatus.CONFIRMED:
            raise DomainError(_("Only a registration with a place can be marked as attended."))
        if registration.session.starts_at > timezone.now():
            raise DomainError(_("Attendance can only be marked once the session has started."))
        if registration.attended is attended:
            return registration
        old, registration.attended = registration.attended, attended
        registration.save(update_fields=["attended"])
        log_action(
            actor=actor,
            obj=registration,
            action=LogAction.ATTENDANCE,
            data={"attended": from_to(old, attended)},
        )
    return registration
