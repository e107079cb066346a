"""One small function per e-mail, called by the services inside their transaction. Each writes
outbox rows (one per recipient who wants it, see ``kinds.py``); ``mime.build_email`` turns a
row into the message when the worker sends it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db.models import prefetch_related_objects
from django.utils import translation

from ..models import Invitation, Meeting, MeetingRequest, OutboxMessage, Session, User
from ..models.languages import LANGUAGE_CODES
from ..timezones import ViewerZones, zones_for
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
    ics_for: Callable[[ViewerZones, list[User]], bytes] | None = None,
) -> int:
    """One row per person who wants this kind of e-mail; the .ics is made once per language
    and pair of zones (its description shows both clocks in the reader's words).
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
    calendars: dict[tuple[str, ViewerZones], bytes] = {}
    written = 0
    for person in people:
        if f"{key}:{person.pk}" in written_before or kind.preference in muted.get(person.pk, ()):
            continue
        ics = b""
        if ics_for is not None:
            zones = zones_for(person, about.tour)
            if (person.language, zones) not in calendars:
                with translation.override(person.language):
                    calendars[person.language, zones] = ics_for(zones, people)
            ics = calendars[person.language, zones]
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


def in_every_language(**texts) -> dict:
    """``institution=obj`` … → the context's ``translated`` entry: the text of each object in
    every language (English where one is missing); ``mime`` picks the recipient's."""
    translated = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            translated[code] = {key: str(obj) for key, obj in texts.items()}
    return {"translated": translated}


# --- meeting requests -------------------------------------------------------------------------


def _span(start: datetime, tour) -> list[str]:
    return [start.isoformat(), (start + timedelta(minutes=tour.slot_minutes)).isoformat()]


def _request_context(request: MeetingRequest) -> dict:
    """What every request e-mail may say; times as [start, end] pairs that ``mime`` writes in
    both clocks of the reader."""
    proposal = request.proposals.order_by("-created_at").first()
    return {
        "request_id": request.pk,
        "tour_id": request.tour_id,
        "tandem": request.tandem.name,
        **in_every_language(institution=request.institution),
        "message": request.message,
        "reason": request.decline_reason,
        "turn": request.turn,
        "turn_since": request.turn_since.isoformat() if request.turn_since else "",
        "preferred_times": [
            _span(p.starts_at, request.tour) for p in request.preferred_slots.all()
        ],
        "proposal": _span(proposal.starts_at, request.tour) if proposal else [],
        "proposed_by": proposal.side if proposal else "",
        "proposals": request.proposals.count(),
        "url": portal_url("request_detail", request.pk, tour=request.tour),
    }


def _request_message(
    kind: str, request: MeetingRequest, actor: User | None = None, *, key: str = ""
) -> int:
    return _notify(
        kind,
        request,
        actor=actor,
        key=f"request:{request.pk}:{key or kind}",
        context=_request_context(request),
    )


def request_received(request: MeetingRequest) -> int:
    return _request_message("request_received", request, key="received")


def proposal_received(request: MeetingRequest, actor: User) -> int:
    """A proposal or counter-proposal, to the side that must answer it now."""
    return _request_message(
        "proposal_received", request, actor, key=f"proposal:{request.turn_since.isoformat()}"
    )


def request_accepted(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_accepted", request, actor)


def request_declined(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_declined", request, actor)


def request_withdrawn(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_withdrawn", request, actor)


def request_cancelled(request: MeetingRequest, actor: User) -> int:
    return _request_message("request_cancelled", request, actor)


def request_expired(request: MeetingRequest, silent_side: str) -> int:
    """To both sides, saying which side did not answer its turn."""
    context = {**_request_context(request), "silent_side": silent_side}
    return _notify(
        "request_expired", request, key=f"request:{request.pk}:request_expired", context=context
    )


def request_nudge(request: MeetingRequest, *, by_organiser_on: date | None = None) -> int:
    """To the side whose turn it is: once per turn from the sweeper, and once a day more when
    an organiser asks for it (``by_organiser_on``: the day they did)."""
    key = f"nudge:{request.turn_since.isoformat()}"
    if by_organiser_on is not None:
        key += f":organiser:{by_organiser_on.isoformat()}"
    return _request_message("request_nudge", request, key=key)


# --- meetings ---------------------------------------------------------------------------------


def _meeting_context(meeting: Meeting, **extra) -> dict:
    return {
        "meeting_id": meeting.pk,
        "tour_id": meeting.tour_id,
        "tandem": meeting.tandem.name,
        **in_every_language(institution=meeting.institution),
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "video_url": meeting.video_url,
        "video_provider": meeting.video_provider.name if meeting.video_provider else "",
        # The request's page shows the meeting with its video link and calendar file, and is
        # where either side answers a change; "My schedule" would need a second click.
        "url": portal_url(
            "request_detail", meeting.request_id, tour=meeting.tour, section="meeting-info"
        ),
        **extra,
    }


def _meeting_change(kind: str, meeting: Meeting, actor: User | None = None, **extra) -> int:
    method = KINDS[kind].calendar_method
    # The attendees of the calendar entry, read once for all the zones it is made in.
    prefetch_related_objects(
        [meeting], "tandem__members__user", "institution__representatives__user"
    )
    return _notify(
        kind,
        meeting,
        actor=actor,
        key=f"meeting:{meeting.pk}:{kind}:{meeting.sequence}",
        context=_meeting_context(meeting, **extra),
        ics_for=lambda zones, _people: calendar.build_calendar(
            [calendar.meeting_event(meeting, zones=zones)], method=method
        ),
    )


def meeting_scheduled(meeting: Meeting) -> int:
    return _meeting_change("meeting_scheduled", meeting)


def meeting_moved(meeting: Meeting, previous_start: datetime) -> int:
    return _meeting_change("meeting_moved", meeting, previous_starts_at=previous_start.isoformat())


def meeting_cancelled(meeting: Meeting) -> int:
    return _meeting_change("meeting_cancelled", meeting)


def video_link_changed(meeting: Meeting, actor: User) -> int:
    """To the side that did not change it, with the calendar entry of the raised sequence."""
    return _meeting_change("video_link_changed", meeting, actor=actor)


def meeting_reminder(meeting: Meeting, lead: str) -> int:
    return _notify(
        "meeting_reminder",
        meeting,
        key=f"meeting:{meeting.pk}:reminder-{lead}:{meeting.starts_at:%Y%m%d%H%M}",
        context=_meeting_context(meeting, lead=lead),
    )


# --- sessions ---------------------------------------------------------------------------------


def _session_context(session: Session, **extra) -> dict:
    texts = {"title": session, "host": session.host} if session.host else {"title": session}
    return {
        "session_id": session.pk,
        "tour_id": session.tour_id,
        **in_every_language(**texts),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "video_url": session.video_url,
        "url": portal_url("schedule", tour=session.tour),
        **extra,
    }


def _session_change(kind: str, session: Session) -> int:
    method = KINDS[kind].calendar_method
    return _notify(
        kind,
        session,
        key=f"session:{session.pk}:{kind}:{session.sequence}",
        context=_session_context(session),
        ics_for=lambda zones, people: calendar.build_calendar(
            [calendar.session_event(session, zones=zones, people=people)], method=method
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


# --- accounts (allauth) -----------------------------------------------------------------------


def account_email(
    *, email: str, recipient: User | None, language: str, subject: str, text: str
) -> OutboxMessage | None:
    """An e-mail of allauth (address verification, password reset), already written in the
    recipient's language by allauth's templates. Every request is its own message: a reset
    link asked for twice is two e-mails (allauth's rate limits keep that in bounds)."""
    return outbox.enqueue(
        kind="account_email",
        recipient=recipient,
        email=email,
        language=language,
        time_zone=recipient.time_zone if recipient is not None else "UTC",
        dedupe_key=f"account:{uuid.uuid4().hex}",
        context={"subject": subject, "text": text},
    )
