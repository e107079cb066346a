from django.db.models import Model

from .accounts import User, UserManager
from .activity import ActivityLog
from .breaks import WindowBreak
from .calendar_feed import CalendarFeed
from .consent import Consent
from .followups import FollowUp, FollowUpNote, SupportingOffice
from .institutions import Institution
from .invitations import Invitation, InvitationRole, InvitationState, InvitationStatus
from .outbox import NotificationPreference, OutboxMessage, OutboxStatus
from .outcomes import MeetingOutcome
from .participation import Participation, Representative, TandemMember
from .planning import PlanningRun
from .refusals import speak_constraints
from .registrations import Registration
from .requests import Meeting, MeetingRequest, PreferredSlot, Proposal
from .sessions import Session, Speaker, Supporter
from .tandems import Tandem
from .topics import Topic
from .tours import BlockedSlot, Tour, TourDay
from .video import VideoProvider

__all__ = [
    "ActivityLog",
    "BlockedSlot",
    "CalendarFeed",
    "Consent",
    "FollowUp",
    "FollowUpNote",
    "Institution",
    "Invitation",
    "InvitationRole",
    "InvitationState",
    "InvitationStatus",
    "Meeting",
    "MeetingOutcome",
    "MeetingRequest",
    "NotificationPreference",
    "OutboxMessage",
    "OutboxStatus",
    "Participation",
    "PlanningRun",
    "PreferredSlot",
    "Proposal",
    "Registration",
    "Representative",
    "Session",
    "Speaker",
    "SupportingOffice",
    "Supporter",
    "Tandem",
    "TandemMember",
    "Topic",
    "Tour",
    "TourDay",
    "User",
    "UserManager",
    "VideoProvider",
    "WindowBreak",
]

# Every database rule refuses in words, never by its name (models/refusals.py).
speak_constraints(
    *(
        model
        for model in (globals()[name] for name in __all__)
        if isinstance(model, type) and issubclass(model, Model)
    )
)
