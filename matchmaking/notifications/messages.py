"""One small function per e-mail, called by the services inside their transaction. Each writes
outbox rows (one per recipient who wants it, see ``kinds.py``); ``mime.build_email`` turns a
row into the message when the worker sends it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import translation

from ..models import (
    FollowUp,
    Invitation,
    Meeting,
    MeetingRequest,
    OutboxMessage,
    Registration,
    Session,
    User,
)
from ..models.languages import LANGUAGE_CODES
from ..permissions import Side, is_organiser, remember_roles
from ..timezones import ViewerZones, zones_for
from . import calendar, outbox, recipients
from .kinds import KINDS
from .links import portal_url
from .preferences import muted_by_person


@dataclass(frozen=True)
class _Note:
    """One notification about one object: its dedupe key, context and calendar entry."""

    about: object
    key: str
    context: dict
    ics_for: Callable[[ViewerZones, User], bytes] | None = None


def _notify(
    kind_name: str,
    about,
    *,
    key: str,
    context: dict,
    actor: User | None = None,
    ics_for: Callable[[ViewerZones, User], bytes] | None = None,
) -> int:
    return _notify_each(kind_name, [_Note(about, key, context, ics_for)], actor=actor)


def _notify_each(kind_name: str, notes: list[_Note], *, actor: User | None = None) -> int:
    """One row per person who wants this kind of e-mail, for each note; the .ics is made for
    each of them (its attendee is the reader, its description shows both clocks in the
    reader's words). Recipients, rows written before (skipped: reminders ask again every minute) and
    preferences are read, and the rows written, in a constant number of queries however many
    notes there are; the unique dedupe key still decides when two processes race."""
    kind = KINDS[kind_name]
    people_of_each = kind.people_of_each([note.about for note in notes], actor)
    everyone = {person.pk: person for people in people_of_each for person in people}
    written_before = set(
        OutboxMessage.objects.filter(
            dedupe_key__in=[
                f"{note.key}:{person.pk}"
                for note, people in zip(notes, people_of_each, strict=True)
                for person in people
            ]
        ).values_list("dedupe_key", flat=True)
    )
    muted = muted_by_person(everyone.values()) if kind.preference else {}
    if any(note.ics_for is not None for note in notes):
        # Each reader's zones depend on their role in the tour: read for all at once.
        remember_roles([person for people in people_of_each for person in people])
    rows = []
    for note, people in zip(notes, people_of_each, strict=True):
        context = _without_video(note.context) if kind.calls_off else note.context
        for person in people:
            key = f"{note.key}:{person.pk}"
            if key in written_before or kind.preference in muted.get(person.pk, ()):
                continue
            ics = b""
            if note.ics_for is not None:
                with translation.override(person.language):
                    ics = note.ics_for(zones_for(person, note.about.tour), person)
            rows.append(
                {
                    "kind": kind_name,
                    "recipient": person,
                    "dedupe_key": key,
                    "context": context,
                    "ics": ics,
                    "ics_method": kind.calendar_method if ics else "",
                }
            )
    return outbox.enqueue_many(rows)


def _without_video(context: dict) -> dict:
    """A meeting or session called off has no room left to join: its link must not travel on in
    an e-mail that is kept or forwarded."""
    return {key: value for key, value in context.items() if not key.startswith("video_")}


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
    proposals = list(request.proposals.order_by("-created_at", "-pk"))
    proposal = proposals[0] if proposals else None
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
        "proposals": len(proposals),
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


def request_cancelled(request: MeetingRequest, actor: User, reason: str = "", *, by: str) -> int:
    """To both sides, naming the side (or the organisers) that called it off."""
    return _notify(
        "request_cancelled",
        request,
        actor=actor,
        key=f"request:{request.pk}:request_cancelled",
        context={**_request_context(request), "reason": reason, "cancelled_by": by},
    )


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


def _meeting_changes(
    kind: str, changes: list[tuple[Meeting, dict]], actor: User | None = None
) -> int:
    """The same e-mail about each of these meetings (with its extra context), to both sides."""
    method = KINDS[kind].calendar_method

    def ics_for(meeting: Meeting, reason: str) -> Callable[[ViewerZones, User], bytes]:
        return lambda zones, reader: calendar.build_calendar(
            [calendar.meeting_event(meeting, zones=zones, reader=reader, reason=reason)],
            method=method,
        )

    return _notify_each(
        kind,
        [
            _Note(
                meeting,
                f"meeting:{meeting.pk}:{kind}:{meeting.sequence}",
                _meeting_context(meeting, **extra),
                ics_for(meeting, extra.get("reason", "")),
            )
            for meeting, extra in changes
        ],
        actor=actor,
    )


def meeting_scheduled(meeting: Meeting) -> int:
    return meetings_scheduled([meeting])


def meetings_scheduled(meetings: list[Meeting]) -> int:
    """Each new meeting of a batch plan, in a constant number of queries."""
    return _meeting_changes("meeting_scheduled", [(meeting, {}) for meeting in meetings])


def meeting_moved(meeting: Meeting, previous_start: datetime, reason: str = "") -> int:
    """To both sides, with where it was and the reason the organiser gave (if any)."""
    return _meeting_changes(
        "meeting_moved",
        [(meeting, {"previous_starts_at": previous_start.isoformat(), "reason": reason})],
    )


def meetings_moved(moves: list[tuple[Meeting, datetime]]) -> int:
    """Each meeting (with where it was) a batch plan moved, in a constant number of queries."""
    return _meeting_changes(
        "meeting_moved",
        [(meeting, {"previous_starts_at": before.isoformat()}) for meeting, before in moves],
    )


def meeting_cancelled(meeting: Meeting, reason: str = "", *, by: str) -> int:
    """To both sides, naming the side (or the organisers) that called it off, with the reason
    given (if any)."""
    return _meeting_changes(
        "meeting_cancelled", [(meeting, {"reason": reason, "cancelled_by": by})]
    )


def video_link_changed(meeting: Meeting, actor: User) -> int:
    """To everyone of both sides but the person who changed it, with the calendar entry of the
    raised sequence."""
    return _meeting_changes("video_link_changed", [(meeting, {})], actor=actor)


def meeting_reminder(meeting: Meeting, lead: str) -> int:
    return _notify(
        "meeting_reminder",
        meeting,
        key=f"meeting:{meeting.pk}:reminder-{lead}:{meeting.starts_at:%Y%m%d%H%M}",
        context=_meeting_context(meeting, lead=lead),
    )


def outcome_question(meeting: Meeting, side: str) -> int:
    """After the meeting's end, to one side: did it take place, what came of it? Once per
    person and meeting; not at all once that side answered."""
    return _notify(
        "outcome_question",
        recipients.OutcomeQuestion(meeting, Side(side)),
        key=f"meeting:{meeting.pk}:outcome-question:{side}",
        context=_meeting_context(
            meeting, side=side, url=portal_url("meeting_outcome", meeting.pk, tour=meeting.tour)
        ),
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


def _session_change(kind: str, session: Session, reason: str) -> int:
    method = KINDS[kind].calendar_method
    return _notify(
        kind,
        session,
        key=f"session:{session.pk}:{kind}:{session.sequence}",
        context=_session_context(session, reason=reason),
        ics_for=lambda zones, reader: calendar.build_calendar(
            [calendar.session_event(session, zones=zones, reader=reader, reason=reason)],
            method=method,
        ),
    )


def session_published(session: Session) -> int:
    """To its people, as a session new to them: a first publication is no change to them."""
    return _session_change("session_published", session, "")


def session_changed(session: Session, reason: str = "") -> int:
    return _session_change("session_changed", session, reason)


def session_cancelled(session: Session, reason: str = "") -> int:
    """To everyone who had the session: its people now and anyone it was sent to before."""
    return _session_change("session_cancelled", session, reason)


def session_reminder(session: Session, lead: str) -> int:
    return _notify(
        "session_reminder",
        session,
        key=f"session:{session.pk}:reminder-{lead}:{session.starts_at:%Y%m%d%H%M}",
        context=_session_context(session, lead=lead),
    )


# --- registrations for sessions ---------------------------------------------------------------


def _registration_message(
    kind: str, registration: Registration, *, key: str, with_calendar: bool, **extra
) -> int:
    """To the registered party's people; the session's calendar entry (REQUEST or CANCEL) for
    them alone, with the SEQUENCE the service has just raised."""
    session = registration.session
    method = KINDS[kind].calendar_method
    context = _session_context(
        session,
        registration_id=registration.pk,
        url=portal_url("session_list", tour=session.tour),
        **extra,
    )
    party = in_every_language(party=registration.party)["translated"]
    for code, texts in context["translated"].items():
        texts.update(party[code])
    return _notify(
        kind,
        registration,
        key=f"registration:{registration.pk}:{key}",
        context=context,
        ics_for=(
            lambda zones, reader: calendar.build_calendar(
                [
                    calendar.session_event(
                        session, zones=zones, reader=reader, cancelled=method == calendar.CANCEL
                    )
                ],
                method=method,
            )
        )
        if with_calendar
        else None,
    )


def registration_confirmed(registration: Registration, *, moved_up: bool) -> int:
    """A place: on registering, or moved up from the waiting list (``moved_up``)."""
    return _registration_message(
        "registration_confirmed",
        registration,
        key=f"confirmed:{registration.session.sequence}",
        with_calendar=True,
        moved_up=moved_up,
    )


def registration_cancelled(
    registration: Registration, *, actor: User | None, had_place: bool
) -> int:
    """A registration ended; a place that was theirs leaves their calendar (CANCEL)."""
    return _registration_message(
        "registration_cancelled",
        registration,
        key="cancelled",
        with_calendar=had_place and registration.session.is_published,
        by_organiser=actor is not None and is_organiser(actor),
        was_waiting=not had_place,
    )


# --- follow-ups -------------------------------------------------------------------------------


def follow_up_reminder(follow_up: FollowUp, kind: str) -> int:
    """``follow_up_due`` before the due date, ``follow_up_overdue`` once it has passed: each
    once per due date (a new due date is reminded of again)."""
    return _notify(
        kind,
        follow_up,
        key=f"follow-up:{follow_up.pk}:{kind}:{follow_up.due_on.isoformat()}",
        context={
            "follow_up_id": follow_up.pk,
            "tour_id": follow_up.tour_id,
            "tandem": follow_up.tandem.name,
            **in_every_language(institution=follow_up.institution),
            "next_step": follow_up.next_step,
            "due_on": follow_up.due_on.isoformat(),
            "url": portal_url("follow_up_detail", follow_up.pk, tour=follow_up.tour),
        },
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
