from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..enums import OPEN_REQUEST_STATUSES, Direction, MeetingStatus, Party, RequestStatus
from ..places import at_local
from .choices import ChoiceLabels

MESSAGE_MAX_LENGTH = 2000


def _at(moment, tour) -> str:
    """A time in an object's name: the reader's zone, named, and the tour's other home zone."""
    return at_local(moment, tour.tandem_time_zone, tour.partner_time_zone)


class MeetingRequest(ChoiceLabels, models.Model):
    """One side asks the other for a bilateral meeting. Change its status only via services."""

    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="meeting_requests",
        verbose_name=_("tour"),
    )
    tandem = models.ForeignKey(
        "matchmaking.Tandem",
        on_delete=models.CASCADE,
        related_name="meeting_requests",
        verbose_name=_("tandem"),
    )
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.CASCADE,
        related_name="meeting_requests",
        verbose_name=_("institution"),
    )
    direction = models.CharField(_("direction"), max_length=24, choices=Direction.choices)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("acted by"),
    )
    acted_at = models.DateTimeField(_("last status change"), null=True, blank=True, editable=False)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The latest proposal while the request is pending; every proposal is a Proposal row.
    proposed_start = models.DateTimeField(
        _("proposed other time"), null=True, blank=True, editable=False
    )
    # Whose turn it is: the side that must answer now, set by every transition of the services
    # and empty once the request is closed. Nudges and expiry count from turn_since.
    turn = models.CharField(
        _("waiting for"), max_length=16, choices=Party.choices, blank=True, editable=False
    )
    turn_since = models.DateTimeField(_("waiting since"), null=True, blank=True, editable=False)
    unscheduled_reason = models.CharField(
        _("why no slot was found"), max_length=64, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.UniqueConstraint(
                fields=["tour", "tandem", "institution"],
                condition=Q(status__in=OPEN_REQUEST_STATUSES),
                name="one_open_request_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="meeting_request_status_known"
            ),
        ]
        indexes = [models.Index(fields=["tour", "status"])]

    def __str__(self) -> str:
        return f"{self.tandem} ↔ {self.institution} ({self.get_status_display()})"

    @property
    def from_tandem(self) -> bool:
        return self.direction == Direction.TANDEM_TO_INSTITUTION

    @property
    def scheduled_meeting(self) -> "Meeting | None":
        """Its meeting while that is scheduled. Templates ask this rather than ``meeting``,
        which raises when there is none, and the template engine then lists every attribute of
        the request to tell a missing one from a broken property (a dashboard did that 46 times)."""
        meeting = getattr(self, "meeting", None)
        return (
            meeting if meeting is not None and meeting.status == MeetingStatus.SCHEDULED else None
        )


class PreferredSlot(models.Model):
    """A slot the requester would like, in order of preference (at most three)."""

    request = models.ForeignKey(
        MeetingRequest,
        on_delete=models.CASCADE,
        related_name="preferred_slots",
        verbose_name=_("request"),
    )
    starts_at = models.DateTimeField(_("slot start"))
    rank = models.PositiveSmallIntegerField(_("preference"))

    class Meta:
        ordering = ["request", "rank"]
        verbose_name = _("preferred time")
        verbose_name_plural = _("preferred times")
        constraints = [
            models.UniqueConstraint(fields=["request", "starts_at"], name="preferred_slot_once"),
            models.UniqueConstraint(fields=["request", "rank"], name="preferred_slot_rank_once"),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=3), name="at_most_three_preferred_slots"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {_at(self.starts_at, self.request.tour)}"


class Proposal(ChoiceLabels, models.Model):
    """A time one side proposed instead of the other's wishes; the conversation's history."""

    request = models.ForeignKey(
        MeetingRequest,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("request"),
    )
    starts_at = models.DateTimeField(_("proposed time"))
    side = models.CharField(_("proposed by side"), max_length=16, choices=Party.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        ordering = ["request", "created_at"]
        verbose_name = _("time proposal")
        verbose_name_plural = _("time proposals")

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {_at(self.starts_at, self.request.tour)}"


class Meeting(ChoiceLabels, models.Model):
    """An accepted request placed in a slot. Change its status only via services."""

    request = models.OneToOneField(
        MeetingRequest, on_delete=models.CASCADE, related_name="meeting", verbose_name=_("request")
    )
    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("tour"),
    )
    # Copied from the request so the database itself can refuse a double booking.
    tandem = models.ForeignKey(
        "matchmaking.Tandem",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("tandem"),
    )
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("institution"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    video_url = models.URLField(_("video link"), blank=True)
    video_provider = models.ForeignKey(
        "matchmaking.VideoProvider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("video provider"),
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
        editable=False,
    )
    # Raised on every change so calendar applications replace their copy.
    sequence = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("sequence"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["tandem", "starts_at"],
                condition=Q(status=MeetingStatus.SCHEDULED),
                name="tandem_not_double_booked",
            ),
            models.UniqueConstraint(
                fields=["institution", "starts_at"],
                condition=Q(status=MeetingStatus.SCHEDULED),
                name="institution_not_double_booked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tandem} ↔ {self.institution} @ {_at(self.starts_at, self.tour)}"

    @property
    def uid(self) -> str:
        return f"meeting-{self.pk}@innohealth-matchmaking"
