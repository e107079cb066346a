"""One small function per e-mail. Each writes outbox rows (one per recipient) inside the caller's
transaction; ``build_email`` turns a row into the message in the recipient's language and time
zone when the worker sends it. Templates: templates/emails/<kind>/subject.txt, body.txt, body.html.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from datetime import datetime
from email.mime.text import MIMEText

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import calendar
from .enums import MeetingStatus, RequestStatus
from .models import (
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingRequest,
    NotificationPreference,
    OutboxMessage,
    Session,
    User,
)
from .permissions import Side, receiver_side, side_of
from .services import outbox
from .slots import session_parties

# Optional e-mails, grouped as people switch them on and off. Everything else (invitations,
# meetings scheduled, moved or cancelled, sessions changed or cancelled) is always sent.
PREFERENCES: dict[str, tuple[str, frozenset[str]]] = {
    "request_updates": (
        _("Meeting requests: received, accepted, declined, withdrawn, cancelled, expired"),
        frozenset(
            {
                "request_received",
                "request_accepted",
                "request_declined",
                "request_withdrawn",
                "request_cancelled",
                "request_expired",
            }
        ),
    ),
    "request_nudges": (
        _("Reminders about requests waiting for my answer"),
        frozenset({"request_nudge"}),
    ),
    "reminders": (
        _("Reminders 24 hours and 15 minutes before my meetings and sessions"),
        frozenset({"meeting_reminder", "session_reminder"}),
    ),
}
UNSUBSCRIBE_SALT = "matchmaking.unsubscribe"


def preference_of(kind: str) -> str | None:
    return next((key for key, (_label, kinds) in PREFERENCES.items() if kind in kinds), None)


def muted_preferences(user: User) -> list[str]:
    muted = NotificationPreference.objects.filter(user=user).values_list("muted", flat=True)
    return muted.first() or []


def wants(user: User, kind: str) -> bool:
    key = preference_of(kind)
    return key is None or key not in muted_preferences(user)


def unsubscribe_token(user: User, preference: str) -> str:
    return signing.dumps({"u": user.pk, "p": preference}, salt=UNSUBSCRIBE_SALT)


def portal_url(name: str, *args) -> str:
    """An absolute link into the portal; the dashboard while a page does not exist yet."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path = reverse("dashboard")
    return f"{settings.SITE_URL}{path}"


# --- who hears about what ---------------------------------------------------------------------


def tandem_people(tandem_id: int) -> list[User]:
    return list(User.objects.filter(tandem_membership__tandem_id=tandem_id, is_active=True))


def institution_people(institution_id: int) -> list[User]:
    return list(User.objects.filter(representative__institution_id=institution_id, is_active=True))


def side_people(request: MeetingRequest | Meeting, side: Side) -> list[User]:
    if side == Side.TANDEM:
        return tandem_people(request.tandem_id)
    return institution_people(request.institution_id)


def both_sides(request: MeetingRequest | Meeting) -> list[User]:
    return tandem_people(request.tandem_id) + institution_people(request.institution_id)


def other_side(request: MeetingRequest, actor: User | None) -> list[User]:
    """Those who did not act; when an organiser or the system acted, both sides."""
    side = side_of(actor, request) if actor is not None else None
    if side == Side.TANDEM:
        return side_people(request, Side.INSTITUTION)
    if side == Side.INSTITUTION:
        return side_people(request, Side.TANDEM)
    return both_sides(request)


def session_people(session: Session) -> list[User]:
    """Everyone the session keeps busy: its tandems, participating and host institutions, and
    the institutions of its speakers."""
    tandem_ids, institution_ids = session_parties(session)
    people = User.objects.filter(tandem_membership__tandem_id__in=tandem_ids)
    people |= User.objects.filter(representative__institution_id__in=institution_ids)
    return list(people.filter(is_active=True).distinct())


def _notify(
    people: Iterable[User],
    *,
    kind: str,
    key: str,
    context: dict,
    ics_for: Callable[[str], bytes] | None = None,
    method: str = "",
) -> int:
    """One row per person who wants this kind of e-mail; the .ics is made once per time zone.
    Rows written before are skipped with one query (reminders ask again every minute); the
    unique dedupe key still decides when two processes race."""
    people = list(people)
    written_before = set(
        OutboxMessage.objects.filter(
            dedupe_key__in=[f"{key}:{person.pk}" for person in people]
        ).values_list("dedupe_key", flat=True)
    )
    calendars: dict[str, bytes] = {}
    written = 0
    for person in people:
        if f"{key}:{person.pk}" in written_before or not wants(person, kind):
            continue
        ics = b""
        if ics_for is not None:
            if person.time_zone not in calendars:
                calendars[person.time_zone] = ics_for(person.time_zone)
            ics = calendars[person.time_zone]
        message = outbox.enqueue(
            kind=kind,
            recipient=person,
            dedupe_key=f"{key}:{person.pk}",
            context=context,
            ics=ics,
            ics_method=method if ics else "",
        )
        written += message is not None
    return written


# --- meeting requests -------------------------------------------------------------------------


def _request_context(request: MeetingRequest) -> dict:
    return {
        "request_id": request.pk,
        "tandem": request.tandem.name,
        "institution": request.institution.name,
        "institution_zh": request.institution.name_zh,
        "message": request.message,
        "reason": request.decline_reason,
        "url": portal_url("request_detail", request.pk),
    }


def request_received(request: MeetingRequest) -> int:
    return _notify(
        side_people(request, receiver_side(request)),
        kind="request_received",
        key=f"request:{request.pk}:received",
        context=_request_context(request),
    )


def _request_answer(kind: str, request: MeetingRequest, actor: User | None) -> int:
    return _notify(
        other_side(request, actor),
        kind=kind,
        key=f"request:{request.pk}:{kind}",
        context=_request_context(request),
    )


def request_accepted(request: MeetingRequest, actor: User) -> int:
    return _request_answer("request_accepted", request, actor)


def request_declined(request: MeetingRequest, actor: User) -> int:
    return _request_answer("request_declined", request, actor)


def request_withdrawn(request: MeetingRequest, actor: User) -> int:
    return _request_answer("request_withdrawn", request, actor)


def request_cancelled(request: MeetingRequest, actor: User) -> int:
    return _request_answer("request_cancelled", request, actor)


def request_expired(request: MeetingRequest) -> int:
    return _request_answer("request_expired", request, None)


def request_nudge(request: MeetingRequest) -> int:
    return _notify(
        side_people(request, receiver_side(request)),
        kind="request_nudge",
        key=f"request:{request.pk}:nudge",
        context=_request_context(request),
    )


# --- meetings ---------------------------------------------------------------------------------


def _meeting_context(meeting: Meeting, **extra) -> dict:
    return {
        "meeting_id": meeting.pk,
        "tandem": meeting.tandem.name,
        "institution": meeting.institution.name,
        "institution_zh": meeting.institution.name_zh,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "video_url": meeting.video_url,
        "url": portal_url("schedule"),
        **extra,
    }


def _meeting_change(kind: str, meeting: Meeting, method: str, **extra) -> int:
    return _notify(
        both_sides(meeting),
        kind=kind,
        key=f"meeting:{meeting.pk}:{kind}:{meeting.sequence}",
        context=_meeting_context(meeting, **extra),
        ics_for=lambda zone: calendar.build_calendar(
            [calendar.meeting_event(meeting, zone=zone)], method=method
        ),
        method=method,
    )


def meeting_scheduled(meeting: Meeting) -> int:
    return _meeting_change("meeting_scheduled", meeting, calendar.REQUEST)


def meeting_moved(meeting: Meeting, previous_start: datetime) -> int:
    return _meeting_change(
        "meeting_moved", meeting, calendar.REQUEST, previous_starts_at=previous_start.isoformat()
    )


def meeting_cancelled(meeting: Meeting) -> int:
    return _meeting_change("meeting_cancelled", meeting, calendar.CANCEL)


def meeting_reminder(meeting: Meeting, lead: str) -> int:
    return _notify(
        both_sides(meeting),
        kind="meeting_reminder",
        key=f"meeting:{meeting.pk}:reminder-{lead}:{meeting.starts_at:%Y%m%d%H%M}",
        context=_meeting_context(meeting, lead=lead),
    )


# --- sessions ---------------------------------------------------------------------------------


def _session_context(session: Session, **extra) -> dict:
    return {
        "session_id": session.pk,
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "video_url": session.video_url,
        "url": portal_url("schedule"),
        **extra,
    }


def _session_change(kind: str, session: Session, method: str) -> int:
    people = session_people(session)
    return _notify(
        people,
        kind=kind,
        key=f"session:{session.pk}:{kind}:{session.sequence}",
        context=_session_context(session),
        ics_for=lambda zone: calendar.build_calendar(
            [calendar.session_event(session, zone=zone, people=people)],
            method=method,
        ),
        method=method,
    )


def session_changed(session: Session) -> int:
    return _session_change("session_changed", session, calendar.REQUEST)


def session_cancelled(session: Session) -> int:
    return _session_change("session_cancelled", session, calendar.CANCEL)


def session_reminder(session: Session, lead: str) -> int:
    return _notify(
        session_people(session),
        kind="session_reminder",
        key=f"session:{session.pk}:reminder-{lead}:{session.starts_at:%Y%m%d%H%M}",
        context=_session_context(session, lead=lead),
    )


# --- invitations ------------------------------------------------------------------------------


def invitation(invitation: Invitation) -> OutboxMessage | None:
    existing = User.objects.filter(email__iexact=invitation.email).first()
    return outbox.enqueue(
        kind="invitation",
        recipient=existing,
        email=invitation.email,
        language=invitation.language,
        time_zone=invitation.time_zone,
        dedupe_key=f"invitation:{invitation.pk}:{invitation.nonce}",
        context={
            "invitation_id": invitation.pk,
            "nonce": invitation.nonce,
            "name": invitation.name,
            "has_account": existing is not None,
        },
    )


# --- sending ----------------------------------------------------------------------------------


def is_obsolete(message: OutboxMessage) -> bool:
    """Whether the row no longer should go out: the person switched it off meanwhile, a reminder
    for something cancelled or moved, a nudge for a request already answered, a replaced or
    closed invitation. Changes themselves (moved, cancelled) always go out."""
    context = message.context
    if message.recipient is not None and not wants(message.recipient, message.kind):
        return True
    if message.kind == "meeting_reminder":
        return not Meeting.objects.filter(
            pk=context["meeting_id"],
            status=MeetingStatus.SCHEDULED,
            starts_at=datetime.fromisoformat(context["starts_at"]),
        ).exists()
    if message.kind == "session_reminder":
        return not Session.objects.filter(
            pk=context["session_id"],
            is_published=True,
            starts_at=datetime.fromisoformat(context["starts_at"]),
        ).exists()
    if message.kind == "request_nudge":
        return not MeetingRequest.objects.filter(
            pk=context["request_id"], status=RequestStatus.PENDING
        ).exists()
    if message.kind == "invitation":
        return not Invitation.objects.filter(
            pk=context["invitation_id"], nonce=context["nonce"], status=InvitationStatus.OPEN
        ).exists()
    return False


class CalendarEmail(EmailMultiAlternatives):
    """Text, HTML and a text/calendar alternative whose ``method=`` is the file's METHOD
    (Outlook rejects the entry otherwise); the same file is attached as invite.ics."""

    def __init__(self, *args, ics: str = "", method: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.ics, self.method = ics, method
        if ics:
            self.attach("invite.ics", ics.encode(), "application/ics")

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if self.ics:
            part = MIMEText(self.ics, "calendar", "utf-8")
            part.set_param("method", self.method)
            msg.attach(part)
        return msg


def _template_context(message: OutboxMessage) -> dict:
    context = dict(message.context)
    for key, value in message.context.items():
        if key.endswith("_at") and value:
            context[key] = datetime.fromisoformat(value)
    if message.language == "zh-hans" and context.get("institution_zh"):
        context["institution"] = context["institution_zh"]
    recipient = message.recipient
    context["recipient_name"] = (
        context.get("name") or (str(recipient) if recipient else "") or message.email
    )
    context["site_url"] = settings.SITE_URL
    context["time_zone"] = message.time_zone
    if message.kind == "invitation":
        from .services.invitations import invitation_link

        invitation = Invitation.objects.select_related("tandem", "institution").get(
            pk=context["invitation_id"]
        )
        context.update(
            invitation=invitation,
            url=invitation_link(invitation),
            role=invitation.get_role_display(),
            organisation=invitation.tandem or invitation.institution or "",
        )
    preference = preference_of(message.kind)
    if preference and recipient is not None:
        context["unsubscribe_url"] = portal_url(
            "notifications_unsubscribe", unsubscribe_token(recipient, preference)
        )
        context["preferences_url"] = portal_url("notification_preferences")
    return context


def build_email(message: OutboxMessage) -> CalendarEmail:
    folder = f"emails/{message.kind}"
    with (
        translation.override(message.language),
        timezone.override(zoneinfo.ZoneInfo(message.time_zone)),
    ):
        context = _template_context(message)  # labels such as the role in this language
        subject = " ".join(render_to_string(f"{folder}/subject.txt", context).split())
        text = render_to_string(f"{folder}/body.txt", context)
        html = render_to_string(f"{folder}/body.html", context)
    headers = {"Message-ID": message.message_id, "Content-Language": message.language}
    if "unsubscribe_url" in context:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = CalendarEmail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=[message.email],
        headers=headers,
        ics=message.ics,
        method=message.ics_method,
    )
    email.attach_alternative(html, "text/html")
    return email
