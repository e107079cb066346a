"""Reads: what the pages, the admin and the services look up, shaped so that the number of
queries does not grow with the data. Nothing here writes.

- ``slots``: a tour's slots and who is busy in them
- ``availability``: whose availability a person manages, and their grid of slots
- ``tours``, ``directory``, ``requests``, ``schedule``: what the portal's pages show
- ``recommendations``: institutions ranked for a tandem

Selectors import models, permissions and the pure helpers below them, never services,
notifications, views, admin or tasks.
"""

from .directory import cities, directory
from .outcomes import meetings_to_answer
from .requests import free_slots_for, last_change, requests_by_status, with_details
from .schedule import (
    SHOWN_MEETING_STATUSES,
    agenda,
    meetings_for_calendar,
    my_sessions,
    personal_agenda,
    schedule_for,
    upcoming_meetings,
)
from .tours import current_tour, programme, public_page

__all__ = [
    "SHOWN_MEETING_STATUSES",
    "agenda",
    "cities",
    "current_tour",
    "directory",
    "free_slots_for",
    "last_change",
    "meetings_for_calendar",
    "meetings_to_answer",
    "my_sessions",
    "personal_agenda",
    "programme",
    "public_page",
    "requests_by_status",
    "schedule_for",
    "upcoming_meetings",
    "with_details",
]
