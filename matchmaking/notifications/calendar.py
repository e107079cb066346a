"""iCalendar entries for meetings and sessions, made with the ``icalendar`` library.

A UID stays the same for the life of a meeting or session and SEQUENCE rises with every change, so
calendar applications update or remove their copy instead of adding a second one.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from functools import cache

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..enums import MeetingStatus
from ..models import Meeting, Session, User
from ..timezones import ViewerZones, two_clocks

PRODID = "-//InnoHealth Matchmaking//Matchmaking Tour//EN"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def _mailto(address: str) -> icalendar.vCalAddress:
    return icalendar.vCalAddress(f"mailto:{address}")


def _add_reader(event: icalendar.Event, reader: User | None) -> None:
    """The portal's sender is the organiser (METHOD:REQUEST needs one); the one attendee is the
    person the entry is for. Calendar applications show every attendee's address to whoever
    opens the entry, and the portal promises not to show a person's address to the other side
    (nor to the other people of a session)."""
    event.add("organizer", _mailto(settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")))
    if reader is None:
        return
    attendee = _mailto(reader.email)
    attendee.params["cn"] = icalendar.vText(str(reader))
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    event.add("attendee", attendee, encode=0)


def _add_room(event: icalendar.Event, video_url: str) -> None:
    if video_url:
        event.add("location", video_url)
        event.add("url", video_url)


def _description(
    start: datetime, end: datetime, zones: ViewerZones, *parts: str, reason: str = ""
) -> str:
    """Both clocks first (calendar applications show only the reader's), then why it changed
    (a calendar shows a cancelled or moved entry without the e-mail that came with it), then
    the details."""
    # A reason the portal gives (a party left) is in English, for the reader's language; a
    # person's own words find no translation and stay as written.
    why = f"{_('Reason')}{pgettext('before a value', ': ')}{_(reason)}" if reason else ""
    return "\n\n".join([two_clocks(start, end, zones), *filter(None, (why, *parts))])


def meeting_event(
    meeting: Meeting,
    *,
    zones: ViewerZones,
    reader: User | None = None,
    cancelled: bool = False,
    reason: str = "",
) -> icalendar.Event:
    """The event of a bilateral meeting for ``reader``, in their zone and the active language;
    the organiser is the portal's sender address."""
    zone = zones.own.key
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(meeting.starts_at, zone))
    event.add("dtend", _local(meeting.ends_at, zone))
    event.add("summary", f"{meeting.tandem.name} ↔ {meeting.institution.name}")
    is_cancelled = cancelled or meeting.status == MeetingStatus.CANCELLED
    # A cancelled meeting's room is no longer anyone's: the entry that removes it names none.
    video_url = "" if is_cancelled else meeting.video_url
    video = ""
    if video_url:
        video = _("Video call (%(provider)s): %(url)s") % {
            "provider": meeting.video_provider or _("video link"),
            "url": video_url,
        }
    event.add(
        "description",
        _description(
            meeting.starts_at, meeting.ends_at, zones, video, meeting.request.message, reason=reason
        ),
    )
    _add_room(event, video_url)
    _add_reader(event, reader)
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    return event


def session_event(
    session: Session,
    *,
    zones: ViewerZones,
    reader: User | None = None,
    cancelled: bool = False,
    reason: str = "",
) -> icalendar.Event:
    """The event of an agenda item for ``reader``. ``cancelled``: the entry is withdrawn for
    the reader only (a registration cancelled)."""
    zone = zones.own.key
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@innohealth-matchmaking")
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(session.starts_at, zone))
    event.add("dtend", _local(session.ends_at, zone))
    event.add("summary", session.title)
    host = (
        f"{_('Host')}{pgettext('before a value', ': ')}{session.host.name}" if session.host else ""
    )
    event.add(
        "description",
        _description(
            session.starts_at, session.ends_at, zones, session.description, host, reason=reason
        ),
    )
    is_cancelled = cancelled or not session.is_published
    _add_room(event, "" if is_cancelled else session.video_url)
    _add_reader(event, reader)
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    return event


@cache
def _vtimezone(tzid: str) -> icalendar.Timezone:
    """A zone's VTIMEZONE, made once per process: working out decades of transitions took
    longer than the rest of accepting a request."""
    return icalendar.Timezone.from_tzid(tzid)


def build_calendar(
    events: Iterable[icalendar.Event], *, method: str = PUBLISH, name: str = ""
) -> bytes:
    """A complete calendar file with the VTIMEZONE of every zone its events use; ``name`` is
    what a subscribed calendar is called in the application (RFC 7986 NAME, and the
    X-WR-CALNAME most applications still read instead)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    zones = []
    for tzid in sorted(calendar.get_missing_tzids()):
        with suppress(ValueError):  # a zone icalendar does not know goes without, as before
            zones.append(_vtimezone(tzid))
    calendar.subcomponents[:0] = zones  # before the events that use them
    return calendar.to_ical()


# --- rewriting a stored entry (erasing a person's data from queued e-mails) --------------------

_FOLD = re.compile(r"\r?\n[ \t]")


def unfolded(ics: str) -> str:
    """The entry with its long lines joined again (RFC 5545, 3.1)."""
    return _FOLD.sub("", ics)


def folded(ics: str) -> str:
    """Lines of at most 75 octets, continued on lines that start with a space."""
    out = []
    for line in ics.split("\r\n"):
        parts, current = [], ""
        for char in line:
            if len((current + char).encode()) > (75 if not parts else 74):
                parts.append(current)
                current = ""
            current += char
        parts.append(current)
        out.append("\r\n ".join(parts))
    return "\r\n".join(out)


def escaped(text: str) -> str:
    """A text as a TEXT value of an entry writes it."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
