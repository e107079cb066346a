"""The vocabularies of the domain, and the one map of allowed status transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    CHINESE = "zh-hans", _("Simplified Chinese")


class TourStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for requests")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    COMPANY = "company", _("Company")
    HOSPITAL = "hospital", _("Hospital")
    INVESTOR = "investor", _("Investor")
    ASSOCIATION = "association", _("Association")
    GOVERNMENT = "government", _("Government")


class Seeking(models.TextChoices):
    RD_COOPERATION = "rd_cooperation", _("R&D cooperation")
    INVESTMENT = "investment", _("Investment")
    PILOT_SITE = "pilot_site", _("Pilot site")
    MARKET_ENTRY = "market_entry", _("Market entry")
    CLINICAL_DATA = "clinical_data", _("Clinical data")
    MANUFACTURING = "manufacturing", _("Manufacturing partner")


class MemberRole(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")


class TourRole(models.TextChoices):
    """The one role a person has in a tour: one of the two tandem roles, or a partner's."""

    RESEARCHER = "researcher", _("Researcher")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    REPRESENTATIVE = "representative", _("Partner representative")


class SessionKind(models.TextChoices):
    KEYNOTE = "keynote", _("Keynote")
    PRESENTATION = "presentation", _("Presentation")
    SHOWCASE = "showcase", _("Showcase")
    COMPANY_VISIT = "company_visit", _("Virtual company visit")
    INVESTOR_MEETING = "investor_meeting", _("Investor meeting")
    ROUNDTABLE = "roundtable", _("Roundtable")
    NETWORKING = "networking", _("Networking")


# Kinds of session a party signs up for; the others (keynote, presentation, showcase) are for
# everyone, or the organisers name their participants. A session may say otherwise
# (``Session.takes_registrations``).
REGISTRATION_KINDS = frozenset(
    {
        SessionKind.ROUNDTABLE,
        SessionKind.INVESTOR_MEETING,
        SessionKind.COMPANY_VISIT,
        SessionKind.NETWORKING,
    }
)


class RegistrationStatus(models.TextChoices):
    """A party's place at a session: confirmed (it counts against the capacity), on the waiting
    list (in the order of registering), or cancelled (the row stays as history)."""

    CONFIRMED = "confirmed", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_REGISTRATION_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class Attendance(models.TextChoices):
    """What one side of a meeting says about whether it took place."""

    HELD = "held", _("The meeting took place")
    NO_SHOW = "no_show", _("The other side did not come")


class OutcomeResult(models.TextChoices):
    """What came of a meeting, in the words of one side: the furthest step reached."""

    NO_INTEREST = "no_interest", _("No further interest")
    FOLLOW_UP = "follow_up", _("Follow-up agreed")
    NDA = "nda", _("Non-disclosure agreement (NDA)")
    JOINT_PROPOSAL = "joint_proposal", _("Joint proposal")
    PILOT = "pilot", _("Pilot project")
    INVESTMENT_TALKS = "investment_talks", _("Investment talks")


class Direction(models.TextChoices):
    TANDEM_TO_INSTITUTION = "tandem_to_institution", _("Tandem asks institution")
    INSTITUTION_TO_TANDEM = "institution_to_tandem", _("Institution asks tandem")


class Party(models.TextChoices):
    """The two sides of a meeting request; the one whose turn it is must answer."""

    TANDEM = "tandem", _("Tandem")
    INSTITUTION = "institution", _("Partner institution")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# A status inside a sentence ("This request is declined: …") is a word of its own in each
# language, not the label lower-cased.
REQUEST_STATUS_IN_SENTENCE = {
    RequestStatus.PENDING: pgettext_lazy("request status in a sentence", "pending"),
    RequestStatus.ACCEPTED: pgettext_lazy("request status in a sentence", "accepted"),
    RequestStatus.DECLINED: pgettext_lazy("request status in a sentence", "declined"),
    RequestStatus.WITHDRAWN: pgettext_lazy("request status in a sentence", "withdrawn"),
    RequestStatus.EXPIRED: pgettext_lazy("request status in a sentence", "expired"),
    RequestStatus.CANCELLED: pgettext_lazy("request status in a sentence", "cancelled"),
}

# A request is "open" while it still binds the pair: only one such request per pair and tour.
OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


class PlanningStatus(models.TextChoices):
    """Where a background run of the planner is (``PlanningRun``)."""

    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Planning")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A run in one of these holds its tour: the database allows one per tour at a time.
ACTIVE_PLANNING_STATUSES = (PlanningStatus.QUEUED, PlanningStatus.RUNNING)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")


MEETING_STATUS_IN_SENTENCE = {
    MeetingStatus.SCHEDULED: pgettext_lazy("meeting status in a sentence", "scheduled"),
    MeetingStatus.CANCELLED: pgettext_lazy("meeting status in a sentence", "cancelled"),
    MeetingStatus.HELD: pgettext_lazy("meeting status in a sentence", "held"),
    MeetingStatus.NO_SHOW: pgettext_lazy("meeting status in a sentence", "marked as a no-show"),
}


class FollowUpStage(models.TextChoices):
    """Where a follow-up of a contact stands; the first two are still to be done."""

    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("follow-up stage", "Done")
    DROPPED = "dropped", _("Dropped")


OPEN_FOLLOW_UP_STAGES = (FollowUpStage.TO_DO, FollowUpStage.IN_PROGRESS)


class LogAction(models.TextChoices):
    """What an entry of the activity log records; its details are in the entry's data."""

    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    # meeting requests
    REQUEST = "request", _("Meeting requested")
    PROPOSE_TIME = "propose_time", _("Other time proposed")
    CONFIRM_TIME = "confirm_time", _("Proposed time confirmed")
    ACCEPT = "accept", _("Accepted")
    DECLINE = "decline", _("Declined")
    WITHDRAW = "withdraw", _("Withdrawn")
    EXPIRE = "expire", _("Expired")
    CANCEL = "cancel", _("Cancelled")
    UNSCHEDULED = "unscheduled", _("No meeting time found")
    NUDGE = "nudge", _("Reminded to answer")
    # meetings
    SCHEDULE = "schedule", _("Meeting scheduled")
    MOVE = "move", _("Meeting moved")
    HELD = "held", _("Marked as held")
    NO_SHOW = "no_show", _("Marked as no-show")
    VIDEO_LINK = "video_link", _("Video link changed")
    # outcomes of meetings
    OUTCOME = "outcome", _("Outcome reported")
    # tours and sessions
    STATUS = "status", _("Status changed")
    PUBLISH = "publish", _("Published")
    UNPUBLISH = "unpublish", _("Withdrawn from the programme")
    # registrations for sessions
    REGISTER = "register", _("Registered")
    WAITLIST = "waitlist", _("Put on the waiting list")
    MOVE_UP = "move_up", _("Moved up from the waiting list")
    CANCEL_REGISTRATION = "cancel_registration", _("Registration cancelled")
    ATTENDANCE = "attendance", _("Attendance marked")
    # profiles and availability
    EDIT_PROFILE = "edit_profile", _("Profile edited")
    SET_AVAILABILITY = "set_availability", _("Availability set")
    # invitations, calendar feeds, e-mails
    INVITE = "invite", _("Invited")
    RESEND = "resend", _("Sent again")
    REVOKE = "revoke", _("Revoked")
    ISSUE = "issue", _("Issued")
    RETRY = "retry", _("Sending retried")
    # people
    PASSWORD_CHANGE = "password_change", _("Password changed")
    PASSWORD_SET = "password_set", _("Password set")
    PASSWORD_RESET = "password_reset", _("Password reset by e-mail link")
    PASSWORD_RESET_SENT = "password_reset_sent", _("Password reset e-mail sent")
    GROUPS = "groups", _("Groups changed")
    PERMISSIONS = "permissions", _("Permissions changed")
    # planning the meeting schedule
    PLAN = "plan", _("Planning started")
    STOP_PLANNING = "stop_planning", _("Planning stopped")
    SAVE_PLAN = "save_plan", _("Plan saved")
    # follow-ups and data protection
    NOTE = "note", _("Note added")
    CONSENT = "consent", _("Consent given")
    WITHDRAW_CONSENT = "withdraw_consent", _("Consent withdrawn")
    EXPORT_DATA = "export_data", _("Personal data downloaded")
    ERASE = "erase", _("Personal data erased")
    ANONYMISE = "anonymise", _("Tour anonymised")


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.PENDING: frozenset(
        {
            RequestStatus.ACCEPTED,
            RequestStatus.DECLINED,
            RequestStatus.WITHDRAWN,
            RequestStatus.EXPIRED,
            RequestStatus.CANCELLED,
        }
    ),
    RequestStatus.ACCEPTED: frozenset({RequestStatus.CANCELLED}),
    RequestStatus.DECLINED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
    RequestStatus.EXPIRED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}

MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.SCHEDULED: frozenset(
        {MeetingStatus.CANCELLED, MeetingStatus.HELD, MeetingStatus.NO_SHOW}
    ),
    MeetingStatus.CANCELLED: frozenset(),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.NO_SHOW: frozenset(),
}

# A tour opens for requests, runs and finishes; an open tour may go back to its draft while it is
# prepared. A finished tour stays finished: its next edition is a new tour.
TOUR_TRANSITIONS: dict[str, frozenset[str]] = {
    TourStatus.DRAFT: frozenset({TourStatus.OPEN}),
    TourStatus.OPEN: frozenset({TourStatus.DRAFT, TourStatus.RUNNING}),
    TourStatus.RUNNING: frozenset({TourStatus.FINISHED}),
    TourStatus.FINISHED: frozenset(),
}


class EmailKind(models.TextChoices):
    """The kinds of e-mail, as organisers read them in the outbox (notifications/kinds.py holds
    who receives each and how)."""

    REQUEST_RECEIVED = "request_received", pgettext_lazy("e-mail kind", "Request received")
    PROPOSAL_RECEIVED = "proposal_received", pgettext_lazy("e-mail kind", "Other time proposed")
    REQUEST_ACCEPTED = "request_accepted", pgettext_lazy("e-mail kind", "Request accepted")
    REQUEST_DECLINED = "request_declined", pgettext_lazy("e-mail kind", "Request declined")
    REQUEST_WITHDRAWN = "request_withdrawn", pgettext_lazy("e-mail kind", "Request withdrawn")
    REQUEST_CANCELLED = "request_cancelled", pgettext_lazy("e-mail kind", "Request cancelled")
    REQUEST_EXPIRED = "request_expired", pgettext_lazy("e-mail kind", "Request expired")
    REQUEST_NUDGE = "request_nudge", pgettext_lazy("e-mail kind", "Reminder to answer")
    MEETING_SCHEDULED = "meeting_scheduled", pgettext_lazy("e-mail kind", "Meeting scheduled")
    MEETING_MOVED = "meeting_moved", pgettext_lazy("e-mail kind", "Meeting moved")
    MEETING_CANCELLED = "meeting_cancelled", pgettext_lazy("e-mail kind", "Meeting cancelled")
    VIDEO_LINK_CHANGED = "video_link_changed", pgettext_lazy("e-mail kind", "Video link changed")
    MEETING_REMINDER = "meeting_reminder", pgettext_lazy("e-mail kind", "Meeting reminder")
    SESSION_PUBLISHED = "session_published", pgettext_lazy("e-mail kind", "Session published")
    SESSION_CHANGED = "session_changed", pgettext_lazy("e-mail kind", "Session changed")
    SESSION_CANCELLED = "session_cancelled", pgettext_lazy("e-mail kind", "Session withdrawn")
    SESSION_REMINDER = "session_reminder", pgettext_lazy("e-mail kind", "Session reminder")
    REGISTRATION_CONFIRMED = (
        "registration_confirmed",
        pgettext_lazy("e-mail kind", "Registration confirmed"),
    )
    REGISTRATION_CANCELLED = (
        "registration_cancelled",
        pgettext_lazy("e-mail kind", "Registration cancelled"),
    )
    OUTCOME_QUESTION = (
        "outcome_question",
        pgettext_lazy("e-mail kind", "Question about a meeting's outcome"),
    )
    FOLLOW_UP_DUE = "follow_up_due", pgettext_lazy("e-mail kind", "Follow-up due")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", pgettext_lazy("e-mail kind", "Follow-up overdue")
    INVITATION = "invitation", pgettext_lazy("e-mail kind", "Invitation")
    ACCOUNT_EMAIL = "account_email", pgettext_lazy("e-mail kind", "Account e-mail")
