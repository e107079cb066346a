"""Checks of a day's meeting window and its breaks, in words an organiser understands.

Kept free of model imports so model ``clean()`` methods, admin forms and services can share them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

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
