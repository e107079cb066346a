"""A person's own data: downloading it as JSON, erasing it, and anonymising a finished tour.

Erasing keeps the rows the tours' figures are made of (requests, meetings, proposals, sessions,
participations, follow-ups, the person's own row) and removes or blanks everything in them that
names the person or that they wrote:

- the account row: e-mail address, names, password, groups, permissions, chosen tour; inactive;
- allauth's e-mail addresses, the second factors (MFA), the calendar feed, e-mail preferences,
  the sessions (logged out everywhere);
- texts they wrote: request messages and reasons (also those kept only in the activity log,
  such as why they called a meeting off), what they said came of a meeting, follow-up next
  steps and notes; positions;
- e-mails to them (outbox rows) deleted; invitations to their address anonymised;
- copies of their address, names and texts elsewhere: the activity log (actor text, object
  text, JSON data) and e-mails to other people (context, calendar entry, error text).

When the person was the last one of their tandem or institution in a tour still to come, that
party has left the portal: its open requests and meetings still ahead are cancelled and its
session places freed through the usual services, so the other side is told and the waiting list
moves up, in the same transaction as the erasure.

The erasure itself is logged without naming the person. A second request is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ..enums import (
    ACTIVE_REGISTRATION_STATUSES,
    OPEN_REQUEST_STATUSES,
    LogAction,
    MeetingStatus,
    RequestStatus,
    TourStatus,
)
from ..models import (
    ActivityLog,
    CalendarFeed,
    Consent,
    FollowUp,
    FollowUpNote,
    Invitation,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    NotificationPreference,
    OutboxMessage,
    Participation,
    Registration,
    Tour,
    User,
)
from ..notifications import calendar
from ..permissions import is_organiser, may_manage_account
from .activity import log_action
from .errors import DomainError
from .registrations import cancel_registration
from .requests import cancel_request

ERASED = "[erased]"
# Shorter names and texts are left alone elsewhere: "Li" would blank half the log.
SHORTEST_NEEDLE = 4


# --- download ---------------------------------------------------------------------------------


def _when(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about the person, as JSON-ready data. Logged."""
    roles = Participation.objects.filter(user=user).select_related("tour", "tandem", "institution")
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "time_zone": user.time_zone,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "roles": [
            {
                "tour": r.tour.slug,
                "role": r.role,
                "tandem": r.tandem.name if r.tandem else None,
                "institution": r.institution.name if r.institution else None,
                "position": r.position,
            }
            for r in roles
        ],
        "consents": [
            {
                "version": c.version,
                "language": c.language,
                "text": c.text,
                "agreed_at": _when(c.agreed_at),
                "withdrawn_at": _when(c.withdrawn_at) if c.withdrawn_at else None,
            }
            for c in Consent.objects.filter(user=user).order_by("agreed_at")
        ],
        "meeting_requests_written": [
            {
                "id": r.pk,
                "tour": r.tour.slug,
                "tandem": r.tandem.name,
                "institution": r.institution.name,
                "message": r.message,
                "created_at": _when(r.created_at),
            }
            for r in MeetingRequest.objects.filter(created_by=user)
            .select_related("tour", "tandem", "institution")
            .order_by("pk")
        ],
        "follow_ups_owned": [
            {
                "id": f.pk,
                "tour": f.tour.slug,
                "tandem": f.tandem.name,
                "institution": f.institution.name,
                "next_step": f.next_step,
                "due_on": f.due_on.isoformat(),
                "stage": f.stage,
            }
            for f in FollowUp.objects.filter(owner=user)
            .select_related("tour", "tandem", "institution")
            .order_by("pk")
        ],
        "meeting_outcomes": [
            {
                "meeting": o.meeting_id,
                "side": o.side,
                "attendance": o.attendance,
                "result": o.result,
                "note": o.note,
                "answered_at": _when(o.answered_at),
            }
            for o in MeetingOutcome.objects.filter(answered_by=user).order_by("pk")
        ],
        "follow_up_notes": [
            {"follow_up": n.follow_up_id, "text": n.text, "created_at": _when(n.created_at)}
            for n in FollowUpNote.objects.filter(author=user).order_by("pk")
        ],
        "invitations": [
            {
                "tour": i.tour.slug if i.tour else None,
                "name": i.name,
                "email": i.email,
                "role": i.role,
                "status": i.status,
                "created_at": _when(i.created_at),
            }
            for i in Invitation.objects.filter(_invitations_of(user)).select_related("tour")
        ],
        "emails_to_me": [
            {
                "kind": m.kind,
                "email": m.email,
                "status": m.status,
                "created_at": _when(m.created_at),
            }
            for m in OutboxMessage.objects.filter(recipient=user).order_by("pk")
        ],
        "notification_preferences": list(
            NotificationPreference.objects.filter(user=user).values_list("muted", flat=True).first()
            or []
        ),
        "calendar_feed": _when(
            CalendarFeed.objects.filter(user=user).values_list("created_at", flat=True).first()
        ),
        "authenticators": [
            {"type": a.type, "created_at": _when(a.created_at)}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "activity": [
            {
                "at": _when(e.at),
                "action": e.action,
                "object": e.object_repr,
                "note": e.data.get("note", "") if isinstance(e.data, dict) else "",
            }
            for e in ActivityLog.objects.filter(actor=user).order_by("at", "pk")
        ],
    }
    log_action(actor=user, obj=user, action=LogAction.EXPORT_DATA)
    return data


def _invitations_of(user: User) -> Q:
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    return Q(user=user) | Q(email__in=[a.lower() for a in addresses]) | Q(email__in=list(addresses))


# --- erasure ----------------------------------------------------------------------------------


def _scrubbed(value: Any, pattern: re.Pattern) -> Any:
    """``value`` (text or JSON) with every needle replaced, keys of JSON objects kept."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrubbed(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, pattern) for k, v in value.items()}
    return value


def scrub(model: type[models.Model], fields: Iterable[str], needles: Iterable[str]) -> int:
    """Replace each needle (case-insensitive) wherever it occurs in these text or JSON columns
    of ``model``. Rows are found by the database (``ILIKE``) and rewritten with ``update()``,
    so no model signal writes the old value anywhere again. Returns the rows changed."""
    needles = sorted({n for n in needles if len(n) >= SHORTEST_NEEDLE}, key=len, reverse=True)
    if not needles:
        return 0
    fields = list(fields)
    searched = {}
    for field in fields:
        is_json = isinstance(model._meta.get_field(field), models.JSONField)
        searched[field] = f"_{field}_text" if is_json else field
    rows = model.objects.annotate(
        **{
            name: Cast(field, models.TextField())
            for field, name in searched.items()
            if name != field
        }
    )
    found = Q()
    for name in searched.values():
        for needle in needles:
            found |= Q(**{f"{name}__icontains": needle})
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    changed = 0
    for row in rows.filter(found).only("pk", *fields):
        new = {field: _scrubbed(getattr(row, field), pattern) for field in fields}
        model.objects.filter(pk=row.pk).update(**new)
        changed += 1
    return changed


def _unfolded_in_database(column: str) -> Replace:
    text = models.TextField()
    once = Replace(column, Value("\r\n ", text), Value("", text), output_field=text)
    return Replace(once, Value("\n ", text), Value("", text), output_field=text)


def _scrub_calendar_entries(needles: set[str]) -> None:
    """Calendar entries of queued e-mails to other people name the person as an attendee and
    may quote what they wrote, in long lines folded in two and with commas escaped: searched
    and rewritten unfolded, then folded again."""
    needles = {n for n in needles if len(n) >= SHORTEST_NEEDLE}
    needles |= {calendar.escaped(n) for n in needles}
    if not needles:
        return
    rows = OutboxMessage.objects.exclude(ics="").annotate(whole=_unfolded_in_database("ics"))
    found = Q()
    for needle in needles:
        found |= Q(whole__icontains=needle)
    pattern = re.compile(
        "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE
    )
    for pk, ics in rows.filter(found).values_list("pk", "ics"):
        whole = pattern.sub(ERASED, calendar.unfolded(ics))
        OutboxMessage.objects.filter(pk=pk).update(ics=calendar.folded(whole))


def _needles(user: User) -> set[str]:
    """What names the person: their addresses and names."""
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    names = {user.display_name, user.first_name, user.last_name, user.get_full_name()}
    return {n.strip() for n in addresses | names if n and n.strip()}


def _blank_texts(user: User) -> set[str]:
    """Blank what the person wrote; returns the texts, to find their copies elsewhere."""
    texts: set[str] = set()
    written = MeetingRequest.objects.filter(created_by=user).exclude(message="")
    texts |= set(written.values_list("message", flat=True))
    written.update(message=ERASED)
    reasons = MeetingRequest.objects.filter(acted_by=user).exclude(decline_reason="")
    texts |= set(reasons.values_list("decline_reason", flat=True))
    reasons.update(decline_reason=ERASED)
    answers = MeetingOutcome.objects.filter(answered_by=user).exclude(note="")
    texts |= set(answers.values_list("note", flat=True))
    answers.update(note=ERASED)
    texts |= _blank_logged_notes(ActivityLog.objects.filter(actor=user))
    notes = FollowUpNote.objects.filter(author=user)
    texts |= set(notes.values_list("text", flat=True))
    notes.update(text=ERASED)
    steps = FollowUp.objects.filter(created_by=user)
    texts |= set(steps.values_list("next_step", flat=True))
    steps.update(next_step=ERASED)
    Participation.objects.filter(user=user).update(position="")
    User.objects.renew_roles([user.pk])
    return texts


def _blank_logged_notes(entries: models.QuerySet) -> set[str]:
    """A reason given for calling off or moving a meeting is kept nowhere but in the log (and
    the e-mails quoting it): blank it there; returns the texts, to find their copies."""
    texts = set()
    for pk, data in entries.filter(data__has_key="note").values_list("pk", "data"):
        if data.get("note") and data["note"] != ERASED:
            texts.add(data["note"])
            ActivityLog.objects.filter(pk=pk).update(data={**data, "note": ERASED})
    return texts


def _erased_address() -> Concat:
    """An address that names nobody and is each row's own (one open invitation per address)."""
    return Concat(Value("erased-"), Cast("pk", models.CharField()), Value("@erased.invalid"))


def _log_out_everywhere(user: User) -> None:
    mine = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()


def _erase(user: User) -> None:
    """The erasure itself, inside the caller's transaction, on a locked user row."""
    needles = _needles(user) | _blank_texts(user)
    OutboxMessage.objects.filter(Q(recipient=user) | Q(email__in=_needles(user))).delete()
    Invitation.objects.filter(_invitations_of(user)).update(email=_erased_address(), name="")
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    _log_out_everywhere(user)
    # update(), not save(): the account log's signals would write the old address again.
    User.objects.filter(pk=user.pk).update(
        email=f"erased-{user.pk}@erased.invalid",
        display_name="",
        first_name="",
        last_name="",
        password=make_password(None),
        is_active=False,
        is_staff=False,
        is_superuser=False,
        chosen_tour=None,
        erased_at=timezone.now(),
    )
    User.groups.through.objects.filter(user_id=user.pk).delete()
    User.user_permissions.through.objects.filter(user_id=user.pk).delete()
    scrub(ActivityLog, ["actor_name", "object_repr", "data"], needles)
    scrub(OutboxMessage, ["email", "context", "last_error"], needles)
    _scrub_calendar_entries(needles)
    scrub(Invitation, ["email", "name"], needles)
    user.refresh_from_db()


# English in the log and the calendar; each e-mail translates it for its reader.
TANDEM_LEFT = gettext_noop("The tandem has left the portal.")
INSTITUTION_LEFT = gettext_noop("The institution has left the portal.")


def _parties_left_by(user: User) -> list[tuple[Participation, str]]:
    """The user's roles whose party nobody else still acts for (the other member or every other
    representative erased or inactive), with the reason the other side will read."""
    left = []
    roles = Participation.objects.filter(user=user).exclude(tour__status=TourStatus.FINISHED)
    for role in roles.select_related("tour"):
        if role.tandem_id is not None:
            others = Participation.objects.filter(tandem_id=role.tandem_id)
            reason = TANDEM_LEFT
        else:
            others = Participation.objects.filter(
                tour_id=role.tour_id, institution_id=role.institution_id
            )
            reason = INSTITUTION_LEFT
        still_there = others.exclude(user=user).filter(
            user__is_active=True, user__erased_at__isnull=True
        )
        if not still_there.exists():
            left.append((role, reason))
    return left


def _release_what_parties_left(*, actor: User, user: User) -> None:
    """The open requests, the meetings still ahead and the session places of every party the
    user was the last one of, cancelled as either side would cancel them."""
    now = timezone.now()
    for role, reason in _parties_left_by(user):
        if role.tandem_id is not None:
            party = {"tandem_id": role.tandem_id}
        else:
            party = {"institution_id": role.institution_id}
        requests = MeetingRequest.objects.filter(
            Q(status=RequestStatus.PENDING)
            | Q(meeting__isnull=True)
            # A meeting that has begun is the outcome's to tell, not a cancellation's.
            | Q(meeting__status=MeetingStatus.SCHEDULED, meeting__starts_at__gt=now),
            tour_id=role.tour_id,
            status__in=OPEN_REQUEST_STATUSES,
            **party,
        )
        for request in requests.order_by("pk"):
            cancel_request(actor=actor, request=request, reason=reason)
        places = Registration.objects.filter(
            session__tour_id=role.tour_id,
            session__starts_at__gt=now,
            status__in=ACTIVE_REGISTRATION_STATUSES,
            **party,
        ).select_related("session")
        for registration in places.order_by("pk"):
            cancel_registration(actor=actor, registration=registration)


def erase_personal_data(*, actor: User, user: User) -> None:
    """Erase the person's personal data (see the module's docstring), asked by the person
    themself or done by an organiser who may manage the account. Nothing changes on a second
    request."""
    if actor.pk != user.pk and not may_manage_account(actor, user):
        raise DomainError(_("You may not delete this person's data."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.erased_at is not None:
            raise DomainError(_("The personal data of this account have already been deleted."))
        _erase(locked)
        # After the erasure: the cancellations' log entries and e-mails then name nobody, and
        # the portal's reason is not taken for a text the person wrote.
        _release_what_parties_left(actor=locked if actor.pk == user.pk else actor, user=locked)
        log_action(
            actor=None if actor.pk == user.pk else actor,
            obj=locked,
            action=LogAction.ERASE,
            data={"asked_by": "self" if actor.pk == user.pk else "organiser"},
        )
    user.refresh_from_db()


# --- a finished tour --------------------------------------------------------------------------

STILL_ACTIVE = (TourStatus.DRAFT, TourStatus.OPEN, TourStatus.RUNNING)


def anonymise_tour(*, actor: User, tour: Tour) -> dict[str, int]:
    """After a finished tour: every person who takes part only in finished tours is erased;
    the texts written in the tour (request messages and reasons, also those in the log, what
    the sides said came of their meetings, follow-up next steps and notes, positions) are blanked, its e-mails deleted and its invitations anonymised. People
    who come back in a tour still to run keep their account. Requests, meetings, follow-ups
    and their stages stay, so the tour's figures do not change. Done once."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers anonymise a tour."))
    with transaction.atomic():
        tour = Tour.objects.select_for_update().get(pk=tour.pk)
        if tour.status != TourStatus.FINISHED:
            raise DomainError(_("Only a finished tour can be anonymised."))
        if tour.anonymised_at is not None:
            raise DomainError(_("This tour is already anonymised."))
        people = User.objects.filter(participations__tour=tour, erased_at__isnull=True)
        staying = people.filter(participations__tour__status__in=STILL_ACTIVE)
        erased = 0
        for person in people.exclude(pk__in=staying).distinct():
            locked = User.objects.select_for_update().get(pk=person.pk)
            _erase(locked)
            log_action(actor=actor, obj=locked, action=LogAction.ERASE, data={"tour": tour.slug})
            erased += 1
        requests = MeetingRequest.objects.filter(tour=tour)
        requests.exclude(message="").update(message=ERASED)
        requests.exclude(decline_reason="").update(decline_reason=ERASED)
        MeetingOutcome.objects.filter(meeting__tour=tour).exclude(note="").update(note=ERASED)
        _blank_logged_notes(
            ActivityLog.objects.filter(
                Q(
                    content_type=ContentType.objects.get_for_model(MeetingRequest),
                    object_id__in=requests.values("pk"),
                )
                | Q(
                    content_type=ContentType.objects.get_for_model(Meeting),
                    object_id__in=Meeting.objects.filter(tour=tour).values("pk"),
                )
            )
        )
        FollowUp.objects.filter(tour=tour).update(next_step=ERASED)
        FollowUpNote.objects.filter(follow_up__tour=tour).update(text=ERASED)
        Participation.objects.filter(tour=tour).update(position="")
        OutboxMessage.objects.filter(context__tour_id=tour.pk).delete()
        Invitation.objects.filter(tour=tour).update(email=_erased_address(), name="")
        Tour.objects.filter(pk=tour.pk).update(anonymised_at=timezone.now())
        User.objects.renew_roles(Participation.objects.filter(tour=tour).values("user_id"))
        done = {"people_erased": erased, "people_kept": staying.distinct().count()}
        log_action(actor=actor, obj=tour, action=LogAction.ANONYMISE, data=done)
    return done
