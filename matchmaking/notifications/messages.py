"""One small function per e-mail, called by the services inside their transaction. Each writes
outbox rows (one per recipient who wants it, see ``kinds.py``); ``mime.build_email`` turns a
row into the message when the worker sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..models import Invitation, Meeting, MeetingRequest, OutboxMessage, Session, User
from . import calendar, outbox
from .kinds import KINDS
from .links import portal_url
from .preferences import muted_by_person


def _notify(
    kind_name: str,
    about,
    *,
    key: str,
    context: dict,
    actor: User | None = None,
    ics_for: Callable[[str, list[User]], bytes] | None = None,
) -> int:
    """One row per person who wants this kind of e-mail; the .ics is made once per time zone.
    Rows written before are skipped with one query (reminders ask again every minute); the
    unique dedupe key still decides when two processes race."""
    kind = KINDS[kind_name]
    people = kind.recipients(about, actor)
    written_before = set(
        OutboxMessage.objects.filter(
            dedupe_key__in=[f"{key}:{person.pk}" for person in people]
        ).values_list("dedupe_key", flat=True)
    )
    muted = muted_by_person(people) if kind.preference else {}
    calendars: dict[str, bytes] = {}
    written = 0
    for person in people:
        if f"{key}:{person.pk}" in written_before or kind.preference in muted.get(person.pk, ()):
            continue
        ics = b""
        if ics_for is not None:
            if person.time_zone not in calendars:
                calendars[person.time_zone] = ics_for(person.time_zone, people)
            ics = calendars[person.time_zone]
        message = outbox.enqueue(
            kind=kind_name,
            recipient=person,
            dedupe_key=f"{key}:{person.pk}",
            context=context,
            ics=ics,
            ics_method=kind.calendar_method if ics else "",
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


def _request_message(kind: str, request: MeetingRequest, actor: User | None = None) -> int:
    return _notify(
        kind,
        request,
        actor=actor,
        key=f"request:{request.pk}:{kind}",
        context=_request_context(request),
    )


def request_received(request: MeetingRequest) -> int:
    return _notify(
        "request_received",
        request,
        key=f"request:{request.pk}:received",
        context=_request_context(request),
    )


def request_accepted(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_accepted", request, actor)


def request_declined(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_declined", request, actor)


def request_withdrawn(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_withdrawn", request, actor)


def request_cancelled(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_cancelled", request, actor)


def request_expired(request: MeetingRequest) -> int:
    return _request_message("request_expired", request)


def request_nudge(request: MeetingRequest) -> int:
    return _notify(
        "request_nudge",
        request,
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


def _meeting_change(kind: str, meeting: Meeting, **extra) -> int:
    method = KINDS[kind].calendar_method
    return _notify(
        kind,
        meeting,
        key=f"meeting:{meeting.pk}:{kind}:{meeting.sequence}",
        context=_meeting_context(meeting, **extra),
        ics_for=lambda zone, _people: calendar.build_calendar(
            [calendar.meeting_event(meeting, zone=zone)], method=method
        ),
    )


def meeting_scheduled(meeting: Meeting) -> int:
    return _meeting_change("meeting_scheduled", meeting)


def meeting_moved(meeting: Meeting, previous_start: datetime) -> int:
    return _meeting_change("meeting_moved", meeting, previous_starts_at=previous_start.isoformat())


def meeting_cancelled(meeting: Meeting) -> int:
    return _meeting_change("meeting_cancelled", meeting)


def meeting_reminder(meeting: Meeting, lead: str) -> int:
    return _notify(
        "meeting_reminder",
        meeting,
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


def _session_change(kind: str, session: Session) -> int:
    method = KINDS[kind].calendar_method
    return _notify(
        kind,
        session,
        key=f"session:{session.pk}:{kind}:{session.sequence}",
        context=_session_context(session),
        ics_for=lambda zone, people: calendar.build_calendar(
            [calendar.session_event(session, zone=zone, people=people)], method=method
        ),
    )


def session_changed(session: Session) -> int:
    return _session_change("session_changed", session)


def session_cancelled(session: Session) -> int:
    return _session_change("session_cancelled", session)


def session_reminder(session: Session, lead: str) -> int:
    return _notify(
        "session_reminder",
        session,
        key=f"session:{session.pk}:reminder-{lead}:{session.starts_at:%Y%m%d%H%M}",
        context=_session_context(session, lead=lead),
    )


# --- invitations ------------------------------------------------------------------------------


def invitation(invitation: Invitation) -> OutboxMessage | None:
    """To an address, not an account: the invited person may have none yet."""
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
