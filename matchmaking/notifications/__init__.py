"""E-mail to the portal's people, written to the outbox with the change that causes it.

- ``kinds``: the registry, one entry per kind of e-mail (recipients, templates, preference,
  calendar entry, when a row is out of date)
- ``messages``: one function per e-mail, called by the services inside their transaction
- ``recipients``, ``preferences``: who hears about what, and who switched what off
- ``outbox``: writing a row and queuing its task after the commit
- ``mime``, ``calendar``, ``links``: building the message, its .ics and its links

The services import this package; it never imports the services, views, admin or tasks.
"""

from .kinds import KINDS, preference_of
from .messages import (
    account_email,
    follow_up_reminder,
    invitation,
    meeting_cancelled,
    meeting_moved,
    meeting_reminder,
    meeting_scheduled,
    meetings_moved,
    meetings_scheduled,
    outcome_question,
    proposal_received,
    registration_cancelled,
    registration_confirmed,
    request_accepted,
    request_cancelled,
    request_declined,
    request_expired,
    request_nudge,
    request_received,
    request_withdrawn,
    session_cancelled,
    session_changed,
    session_published,
    session_reminder,
    video_link_changed,
)

__all__ = [
    "KINDS",
    "account_email",
    "follow_up_reminder",
    "invitation",
    "meeting_cancelled",
    "meeting_moved",
    "meeting_reminder",
    "meeting_scheduled",
    "meetings_moved",
    "meetings_scheduled",
    "outcome_question",
    "preference_of",
    "proposal_received",
    "registration_cancelled",
    "registration_confirmed",
    "request_accepted",
    "request_cancelled",
    "request_declined",
    "request_expired",
    "request_nudge",
    "request_received",
    "request_withdrawn",
    "session_cancelled",
    "session_changed",
    "session_published",
    "session_reminder",
    "video_link_changed",
]
