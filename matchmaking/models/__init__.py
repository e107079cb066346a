from .accounts import User, UserManager
from .audit import AuditRecord
from .calendar_feed import CalendarFeed
from .institutions import Institution, Representative
from .requests import Meeting, MeetingRequest, PreferredSlot
from .sessions import Session, Speaker, Supporter
from .tandems import Tandem, TandemMember
from .topics import Topic
from .tours import BlockedSlot, Tour, TourDay

__all__ = [
    "AuditRecord",
    "BlockedSlot",
    "CalendarFeed",
    "Institution",
    "Meeting",
    "MeetingRequest",
    "PreferredSlot",
    "Representative",
    "Session",
    "Speaker",
    "Supporter",
    "Tandem",
    "TandemMember",
    "Topic",
    "Tour",
    "TourDay",
    "User",
    "UserManager",
]
