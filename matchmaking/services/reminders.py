"""Reminders before meetings and sessions, the question after a meeting, nudges for unanswered
requests, and their expiry.

Run every few minutes by Celery beat. Each pass looks at the database, so a beat tick that is lost
changes nothing; the outbox's unique dedupe key makes sure nobody is reminded twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import LogAction, MeetingStatus, Party, RequestStatus, TourStatus
from ..models import Meeting, MeetingOutcome, MeetingRequest, Session, User
from ..permissions import is_organiser
from .activity import log_action
from .errors import DomainError
from .requests import expire_request, expires_at

logger = logging.getLogger("matchmaking.reminders")

# The 24-hour reminder is only useful while the 15-minute one is not due yet.
LEADS = (
    ("24h", timedelta(hours=24), timedelta(minutes=15)),
    ("15min", timedelta(minutes=15), None),
)


def queue_due_reminders(now: datetime | None = None) -> int:
    now = now or timezone.now()
    written = 0
    for lead, ahead, until in LEADS:
        window = {"starts_at__gt": now + (until or timedelta(0)), "starts_at__lte": now + ahead}
        meetings = Meeting.objects.filter(status=MeetingStatus.SCHEDULED, **window)
        sessions = Session.objects.filter(is_published=True, **window).select_related("tour")
        with transaction.atomic():
            for meeting in meetings.select_related("tandem", "institution"):
                written += notifications.meeting_reminder(meeting, lead)
            for session in sessions:
                written += notifications.session_reminder(session, lead)
    return written


# Meetings that ended longer ago than this are not asked about any more (they still can be
# answered from the dashboard).
OUTCOME_QUESTION_WINDOW = timedelta(days=14)


def ask_for_outcomes(now: datetime | None = None) -> int:
    """After a meeting's end, ask each side that has not answered yet whether it took place and
    what came of it: once per person and meeting (the outbox's dedupe key), not for cancelled
    meetings or finished tours."""
    now = now or timezone.now()
    ended = (
        Meeting.objects.filter(ends_at__lte=now, ends_at__gt=now - OUTCOME_QUESTION_WINDOW)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(tour__status=TourStatus.FINISHED)
        .select_related("tour", "tandem", "institution", "video_provider")
    )
    answered = set(
        MeetingOutcome.objects.filter(meeting__in=ended).values_list("meeting_id", "side")
    )
    written = 0
    with transaction.atomic():
        for meeting in ended:
            for side in Party.values:
                if (meeting.pk, side) not in answered:
                    written += notifications.outcome_question(meeting, side)
    return written


def nudge_and_expire_requests(now: datetime | None = None) -> dict[str, int]:
    """Remind the side whose turn it is once its turn has waited REQUEST_NUDGE_HOURS (once per
    turn); expire the request when the turn has waited the tour's request_expiry_days — both
    sides are told which side did not answer, and an expired request holds no slot. A side
    that proposed a time waits: the turn, and so the reminder, is the other side's."""
    now = now or timezone.now()
    done = {"nudged": 0, "expired": 0}
    overdue = MeetingRequest.objects.filter(
        status=RequestStatus.PENDING,
        turn_since__lte=now - timedelta(hours=settings.REQUEST_NUDGE_HOURS),
    ).select_related("tour", "tandem", "institution")
    for request in overdue:
        if expires_at(request) <= now:
            try:
                expire_request(request=request, now=now)
            except DomainError as exc:  # answered a moment ago
                logger.info("request #%s not expired: %s", request.pk, exc)
                continue
            done["expired"] += 1
        else:
            with transaction.atomic():
                done["nudged"] += notifications.request_nudge(request) > 0
    return done


def nudge_request(
    *, actor: User, request: MeetingRequest, now: datetime | None = None
) -> MeetingRequest:
    """An organiser reminds the side whose turn it is to answer a pending request (from the
    landing page's "needs you now"). At most once a day per request and turn, besides the
    sweeper's own reminder; the reminder goes through the outbox and the nudge is logged."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("tour", "tandem", "institution")
            .get(pk=request.pk)
        )
        if request.status != RequestStatus.PENDING or not request.turn:
            raise DomainError(_("This request is no longer waiting for an answer."))
        written = notifications.request_nudge(request, by_organiser_on=now.astimezone(UTC).date())
        if not written:
            raise DomainError(
                _(
                    "Nobody was reminded: %(side)s was already reminded today, or has switched "
                    "such reminders off."
                )
                % {"side": Party(request.turn).label}
            )
        log_action(
            actor=actor,
            obj=request,
            action=LogAction.NUDGE,
            data={"turn": request.turn, "reminded": written},
        )
    return request
