"""Follow-ups of the tour's contacts: recording a next step, keeping it up to date, notes, and
the reminders before and after its due date.

A contact is a tandem and an institution of one tour that met (or agreed to meet). Its two
sides record and change their follow-ups (organisers may help); supporting offices only add
notes. The due date is a day in the owner's calendar: it passes at the end of that day in the
owner's time zone.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import notifications
from ..enums import OPEN_FOLLOW_UP_STAGES, FollowUpStage, LogAction
from ..models import FollowUp, FollowUpNote, Institution, Tandem, User
from ..permissions import may_change_followup
from ..selectors.followups import contact_pairs, contact_people
from .activity import from_to, log_action
from .errors import DomainError

OVERDUE_REMINDED_DAYS = 7


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def today_for(user: User, now: datetime | None = None) -> date:
    """The date it is now where the person is."""
    return (now or timezone.now()).astimezone(_zone(user)).date()


def due_at(follow_up: FollowUp) -> datetime:
    """When the due date passes: the end of that day in the owner's time zone."""
    return datetime.combine(
        follow_up.due_on + timedelta(days=1), time(), tzinfo=_zone(follow_up.owner)
    )


def _check(*, actor: User, tandem: Tandem, institution: Institution, owner: User, next_step: str):
    if not next_step.strip():
        raise DomainError(_("Please describe the next step."))
    if (tandem.pk, institution.pk) not in contact_pairs(
        tandem.tour, tandem_id=tandem.pk, institution_id=institution.pk
    ):
        raise DomainError(_("This tandem and this institution have not met in this tour."))
    if (
        not contact_people(tandem.tour, tandem_id=tandem.pk, institution_id=institution.pk)
        .filter(pk=owner.pk)
        .exists()
    ):
        raise DomainError(
            _("The owner must be a member of the tandem or a representative of the institution.")
        )


def _check_due_date(actor: User, due_on: date) -> None:
    if due_on < today_for(actor):
        raise DomainError(_("The due date is in the past. Please choose today or a later day."))


@transaction.atomic
def create_follow_up(
    *,
    actor: User,
    tandem: Tandem,
    institution: Institution,
    next_step: str,
    owner: User,
    due_on: date,
    stage: str = FollowUpStage.TO_DO,
) -> FollowUp:
    """A next step for the contact of ``tandem`` and ``institution``, recorded by one of its
    two sides (or an organiser)."""
    follow_up = FollowUp(
        tour=tandem.tour,
        tandem=tandem,
        institution=institution,
        next_step=next_step.strip(),
        owner=owner,
        due_on=due_on,
        stage=stage,
        created_by=actor,
    )
    if not may_change_followup(actor, follow_up):
        raise DomainError(
            _("Only the tandem and the institution of a contact record its follow-ups.")
        )
    _check(actor=actor, tandem=tandem, institution=institution, owner=owner, next_step=next_step)
    _check_due_date(actor, due_on)
    follow_up.save()
    log_action(
        actor=actor,
        obj=follow_up,
        action=LogAction.CREATE,
        data={
            "next_step": follow_up.next_step,
            "owner": str(owner),
            "due_on": due_on,
            "stage": stage,
        },
    )
    return follow_up


def update_follow_up(
    *,
    actor: User,
    follow_up: FollowUp,
    next_step: str,
    owner: User,
    due_on: date,
    stage: str,
) -> FollowUp:
    """Change the next step, its owner, due date or stage. A due date may stay as it was even
    when it has passed (marking an overdue step done); a new one must not be in the past."""
    if not may_change_followup(actor, follow_up):
        raise DomainError(
            _("A supporting office reads follow-ups and adds notes; it changes none.")
        )
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update()
            .select_related("tour", "tandem")
            .get(pk=follow_up.pk)
        )
        _check(
            actor=actor,
            tandem=follow_up.tandem,
            institution=follow_up.institution,
            owner=owner,
            next_step=next_step,
        )
        if due_on != follow_up.due_on:
            _check_due_date(actor, due_on)
        new = {"next_step": next_step.strip(), "owner": owner, "due_on": due_on, "stage": stage}
        changed = {
            name: from_to(
                str(getattr(follow_up, name)) if name == "owner" else getattr(follow_up, name),
                str(value) if name == "owner" else value,
            )
            for name, value in new.items()
            if getattr(follow_up, name) != value
        }
        if not changed:
            return follow_up
        for name, value in new.items():
            setattr(follow_up, name, value)
        follow_up.save()
        status = changed.pop("stage", None)
        if status is not None:
            log_action(actor=actor, obj=follow_up, action=LogAction.STATUS, data={"stage": status})
        if changed:
            log_action(actor=actor, obj=follow_up, action=LogAction.CHANGE, data=changed)
    return follow_up


@transaction.atomic
def add_note(*, actor: User, follow_up: FollowUp, text: str) -> FollowUpNote:
    """A note by anybody who sees the follow-up (the caller fetched it through
    permissions.get_followup_for_user): a supporting office, an organiser or a side."""
    if not text.strip():
        raise DomainError(_("Please write the note."))
    note = FollowUpNote.objects.create(follow_up=follow_up, author=actor, text=text.strip())
    log_action(actor=actor, obj=follow_up, action=LogAction.NOTE, data={"note_id": note.pk})
    return note


def queue_follow_up_reminders(now: datetime | None = None) -> int:
    """Run by beat. Each open follow-up's owner is reminded once when its due date is less than
    FOLLOW_UP_REMINDER_HOURS away and once when it has passed; a new due date is reminded of
    again. A step that was not yet reminded of before its due date passed gets only the
    overdue e-mail. The outbox's dedupe key keeps each reminder to one e-mail."""
    now = now or timezone.now()
    ahead = timedelta(hours=settings.FOLLOW_UP_REMINDER_HOURS)
    # Every zone is less than a day from UTC: the rows read are a superset of those due. A
    # step overdue for more than a week was reminded of long ago (or the beat was away that
    # long): the pass does not read the whole history every time.
    candidates = FollowUp.objects.filter(
        stage__in=OPEN_FOLLOW_UP_STAGES,
        due_on__gte=(now - timedelta(days=OVERDUE_REMINDED_DAYS)).date(),
        due_on__lte=(now + ahead + timedelta(days=1)).date(),
    ).select_related("tour", "tandem", "institution", "owner")
    written = 0
    with transaction.atomic():
        for follow_up in candidates:
            deadline = due_at(follow_up)
            if now >= deadline:
                written += notifications.follow_up_reminder(follow_up, "follow_up_overdue")
            elif now >= deadline - ahead:
                written += notifications.follow_up_reminder(follow_up, "follow_up_due")
    return written
