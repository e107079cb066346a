"""Participants' unavailable slots: one service replaces a tandem's or institution's marks."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..enums import LogAction
from ..models import BlockedSlot, Tour, User
from ..permissions import roles_of
from ..selectors.availability import Party, party_of
from ..selectors.occupancy import Cause
from ..selectors.slots import SlotTime, tour_slots
from .activity import log_action
from .calendars import lock_calendars
from .errors import DomainError


def ensure_no_meeting_in(party: Party, tour: Tour, slots: list[SlotTime]) -> None:
    """Refuse to mark a slot unavailable while it holds one of the party's scheduled meetings."""
    held = party.occupancy(tour, slots=slots).in_slots(**party.ids)
    for slot in slots:
        for engagement in held.get(slot.id, []):
            if engagement.cause == Cause.MEETING:
                meeting = engagement.meeting
                other = meeting.institution if party.is_tandem else meeting.tandem
                raise DomainError(
                    _(
                        "%(party)s has a meeting with %(other)s at %(time)s, so this slot cannot "
                        "be marked unavailable. The organisers can move the meeting first. "
                        "Nothing was saved."
                    )
                    % {
                        "party": party.name,
                        "other": other,
                        "time": date_format(
                            timezone.localtime(slot.starts_at), "SHORT_DATETIME_FORMAT"
                        ),
                    }
                )


def set_availability(*, actor: User, tour: Tour, unavailable: Collection[str]) -> int:
    """Make exactly the slots ``unavailable`` (slot ids such as "d0s3") blocked for the
    actor's tandem or institution in ``tour``; returns how many are blocked.

    Refused, with nothing saved, when an id is not a slot of the tour, when a slot holds one of
    the party's scheduled meetings, or when no slot at all would be left for meetings.
    """
    party = party_of(actor, tour)
    if party is None and roles_of(actor):
        raise DomainError(_("You do not take part in this tour."))
    if party is None:
        raise DomainError(
            _("Only tandem members and partner representatives mark slots unavailable.")
        )
    wanted = set(unavailable)
    with transaction.atomic():
        # Two people of one party saving at once take turns, and so do a placement for the party
        # and this change (services/calendars.py).
        lock_calendars(
            tour.pk,
            tandem_ids=[party.pk] if party.is_tandem else [],
            institution_ids=[] if party.is_tandem else [party.pk],
        )
        slots = tour_slots(tour)
        by_id = {slot.id: slot for slot in slots}
        if wanted - by_id.keys():
            raise DomainError(
                _(
                    "Some of the marked slots are not meeting slots of this tour (the page may "
                    "be out of date). Nothing was saved; please reload the page."
                )
            )
        chosen = [slot for slot in slots if slot.id in wanted]
        ensure_no_meeting_in(party, tour, chosen)
        starts = {slot.starts_at for slot in chosen}
        existing = BlockedSlot.objects.filter(tour=tour, **party.lookup)
        existing.exclude(starts_at__in=starts).delete()
        kept = set(existing.values_list("starts_at", flat=True))
        BlockedSlot.objects.bulk_create(
            BlockedSlot(tour=tour, starts_at=start, **party.lookup) for start in starts - kept
        )
        # The party's own meetings hold slots it can use, so they do not count as taken here.
        taken = party.occupancy(tour, slots=slots).busy(
            **party.ids, causes={Cause.SESSION, Cause.UNAVAILABLE}
        )
        if slots and taken >= by_id.keys():
            raise DomainError(
                _(
                    "This would leave no slot at all for meetings: every slot would be "
                    "unavailable or taken by a session. Keep at least one slot free. Nothing "
                    "was saved."
                )
            )
        log_action(
            actor=actor,
            obj=party.tandem or party.institution,
            action=LogAction.SET_AVAILABILITY,
            data={"tour": tour.slug, "unavailable_slots": len(starts)},
        )
    return len(starts)
