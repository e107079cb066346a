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
