"""Checks of a day's meeting window and its breaks, in words an organiser understands.

Kept free of model imports so model ``clean()`` methods, admin forms and services can share them.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def window_problem(*, slot_minutes: int, window_start: datetime, window_end: datetime) -> str:
    """Why the window cannot be cut into whole slots, or "" when it can."""
    if not slot_minutes or window_end <= window_start:
        # The database constraints report these; nothing to add here.
        return ""
    length = window_end - window_start
    if length % timedelta(minutes=slot_minutes):
        minutes = int(length.total_seconds() // 60)
        shorter = minutes - minutes % slot_minutes
        return _(
            "The meeting window %(start)s–%(end)s (%(zone)s) lasts %(minutes)d minutes, which "
            "cannot be cut "
            "into slots of %(slot)d minutes. Make the window a multiple of the slot length "
            "(for example %(shorter)d or %(longer)d minutes) or change the slot length."
        ) % {
            "start": _clock(window_start),
            "end": _clock(window_end),
            "zone": timezone.get_current_timezone_name(),
            "minutes": minutes,
            "slot": slot_minutes,
            "shorter": shorter,
            "longer": shorter + slot_minutes,
        }
    return ""


def window_date_problem(*, day: date, window_start: datetime, time_zones: tuple[str, ...]) -> str:
    """Why the window does not start on the day's own date in any of the tour's home zones, or
    "" when it does: a window on another date would put the day's slots under the wrong date."""
    starts = [window_start.astimezone(zoneinfo.ZoneInfo(zone)) for zone in time_zones]
    if any(start.date() == day for start in starts):
        return ""
    return _(
        "The meeting window starts on %(start)s %(time)s (%(zone)s), not on the day's date "
        "%(date)s. Move the window to %(date)s or change the day's date."
    ) % {
        "start": starts[0].date().isoformat(),
        "time": starts[0].strftime("%H:%M"),
        "zone": time_zones[0],
        "date": day.isoformat(),
    }


def break_problem(
    *, window_start: datetime, window_end: datetime, starts_at: datetime, ends_at: datetime
) -> str:
    """Why the break does not fit its day's meeting window, or "" when it does."""
    if ends_at <= starts_at:
        # The database rule says so (models/refusals.py); said twice it reads as two problems.
        return ""
    if starts_at < window_start or ends_at > window_end:
        return _(
            "The break %(start)s–%(end)s lies outside the day's meeting window "
            "%(window_start)s–%(window_end)s (%(zone)s)."
        ) % {
            "start": _clock(starts_at),
            "end": _clock(ends_at),
            "window_start": _clock(window_start),
            "window_end": _clock(window_end),
            "zone": timezone.get_current_timezone_name(),
        }
    return ""
