"""The row locks that keep two changes from booking one party twice.

A change that reads and writes who is busy when for a tandem and an institution (answering or
cancelling a request, placing or moving a meeting, marking slots unavailable) locks the rows of
those two parties. Two changes that share a party take turns, and the second one sees what the
first one saved; changes for different parties of the same tour run side by side.

Changes that touch every calendar of a tour at once (applying a batch schedule, publishing or
moving a session) lock the tour row itself ``FOR UPDATE``. So the per-party changes first take a
``FOR KEY SHARE`` lock on the tour row: those do not conflict with each other, but they wait for
a tour-wide change and make it wait for them. Every change takes its locks in one order (tour,
tandem, institution, then its own rows), so none can wait for another in a circle.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from ..models import Institution, Meeting, MeetingRequest, Tandem, Tour


def lock_calendars(
    tour_id: int, *, tandem_ids: Iterable[int] = (), institution_ids: Iterable[int] = ()
) -> None:
    """Lock the calendars of these parties of the tour until the transaction ends."""
    if not connection.features.has_select_for_update:
        return  # SQLite (`make run`) has one writer at a time anyway
    with connection.cursor() as cursor:
        # Django's select_for_update cannot ask for a shared lock.
        cursor.execute(
            f'SELECT 1 FROM "{Tour._meta.db_table}" WHERE "id" = %s FOR KEY SHARE',  # noqa: S608
            [tour_id],
        )
    for model, ids in ((Tandem, tandem_ids), (Institution, institution_ids)):
        # NO KEY UPDATE: new rows that merely reference the party (a request) need not wait.
        list(
            model.objects.select_for_update(no_key=True)
            .filter(pk__in=sorted(set(ids)))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def lock_request(request: MeetingRequest) -> MeetingRequest:
    """The request, locked with its parties' calendars, as a transition of it reads it."""
    lock_calendars(
        request.tour_id, tandem_ids=[request.tandem_id], institution_ids=[request.institution_id]
    )
    # Its parties come along: its history entry, meeting and e-mails name them.
    return (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("tour", "tandem", "institution")
        .get(pk=request.pk)
    )


def lock_meeting(meeting: Meeting) -> Meeting:
    """The meeting, locked with its parties' calendars, as a transition of it reads it."""
    lock_calendars(
        meeting.tour_id, tandem_ids=[meeting.tandem_id], institution_ids=[meeting.institution_id]
    )
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("request", "tour")
        .get(pk=meeting.pk)
    )
