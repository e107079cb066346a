"""The organisers' admin for meeting requests and meetings: every change through a service."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ..models import Meeting, MeetingRequest, PreferredSlot, VideoProvider
from ..reasons import unscheduled_reason_text
from ..selectors.outcomes import with_answers
from ..services import DomainError
from ..services import meetings as meeting_services
from ..services import requests as request_services
from ..services.video import replace_video_link
from .base import (
    INSTITUTION_NAMES,
    ActorForm,
    ActorFormAdmin,
    move_reason,
    move_reason_field,
    reasoned_action,
    service_action,
)
from .exchange import ExportAdmin, MeetingRequestResource, MeetingResource
from .outcomes import MeetingOutcomeInline, SidesAgreementFilter, answer_text
from .zones import ZonedInputs


class PreferredSlotInline(admin.TabularInline):
    model = PreferredSlot
    extra = 0
    can_delete = False
    readonly_fields = ["starts_at", "rank"]

    def has_add_permission(self, request, obj=None):
        return False


class MeetingRequestForm(ActorForm):
    """On the add page the organiser files a request on behalf of its sender, through the service."""

    class Meta:
        model = MeetingRequest
        fields = ["tandem", "institution", "direction", "message"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.instance = request_services.request_meeting(
                actor=self.actor,
                tandem=data["tandem"],
                institution=data["institution"],
                direction=data["direction"],
                message=data["message"],
            )
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(MeetingRequest)
class MeetingRequestAdmin(ExportAdmin, ActorFormAdmin):
    resource_classes = [MeetingRequestResource]
    list_display = [
        "tandem",
        "institution",
        "direction",
        "status",
        "turn",
        "turn_since",
        "created_at",
        "why_unscheduled",
    ]
    list_filter = ["tour", "status", "turn", "direction", "institution__kind", "tandem__topics"]
    search_fields = ["tandem__name", *INSTITUTION_NAMES, "message"]
    list_select_related = ["tour", "tandem", "institution"]
    date_hierarchy = "created_at"
    inlines = [PreferredSlotInline]
    actions = ["accept", "decline", "cancel"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MeetingRequestForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in MeetingRequest._meta.fields] + ["why_unscheduled"]

    @admin.display(description=_("why no slot was found"))
    def why_unscheduled(self, obj):
        return unscheduled_reason_text(obj.unscheduled_reason)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        # The service in the form's clean() already saved the new request.
        if change:
            return

    def has_delete_permission(self, request, obj=None):
        return False

    accept = service_action(
        request_services.accept_request,
        "request",
        description=_("Accept and place in the earliest free slot"),
        done=ngettext_lazy(
            "%(count)d request accepted.",
            "%(count)d requests accepted.",
            "count",
        ),
    )
    decline = service_action(
        request_services.decline_request,
        "request",
        description=_("Decline"),
        done=ngettext_lazy(
            "%(count)d request declined.",
            "%(count)d requests declined.",
            "count",
        ),
    )
    cancel = reasoned_action(
        request_services.cancel_request,
        "request",
        description=_("Cancel (and its meeting)"),
        done=ngettext_lazy(
            "%(count)d request cancelled.",
            "%(count)d requests cancelled.",
            "count",
        ),
        title=_("Cancel these requests?"),
        intro=_(
            "These requests, and their meetings if they have one, will be cancelled, and both "
            "sides of each told by e-mail with the reason you give:"
        ),
        confirm=_("Yes, cancel these requests"),
    )


class MeetingForm(ActorForm):
    """Adding places an accepted request; changing the start moves it; changing the video link
    or its service replaces it (the other side is told). All through services."""

    video_service = forms.ModelChoiceField(
        label=_("video provider"), queryset=VideoProvider.objects.all(), required=False
    )
    reason = move_reason_field()

    class Meta:
        model = Meeting
        fields = ["request", "starts_at", "video_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["video_service"].queryset = VideoProvider.objects.filter(
                tour_id=self.instance.tour_id
            )
            self.fields["video_service"].initial = self.instance.video_provider_id

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance.pk is None:
                self.instance = meeting_services.schedule_meeting(
                    actor=self.actor, request=data["request"], start=data["starts_at"]
                )
                return data
            with transaction.atomic():  # both changes or neither
                if "starts_at" in self.changed_data:
                    reason = move_reason(self, data)
                    if reason is None:
                        return data
                    meeting_services.move_meeting(
                        actor=self.actor,
                        meeting=self.instance,
                        start=data["starts_at"],
                        reason=reason,
                    )
                if {"video_url", "video_service"} & set(self.changed_data):
                    replace_video_link(
                        actor=self.actor,
                        meeting=self.instance,
                        url=data["video_url"],
                        provider=data.get("video_service"),
                    )
            self.instance.refresh_from_db()
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(Meeting)
class MeetingAdmin(ZonedInputs, ExportAdmin, ActorFormAdmin):
    resource_classes = [MeetingResource]
    form = MeetingForm
    list_display = [
        "starts_at",
        "tandem",
        "institution",
        "status",
        "tandem_answer",
        "institution_answer",
        "video_provider",
        "video_url",
    ]
    list_filter = ["tour", "status", SidesAgreementFilter, "institution__kind"]
    inlines = [MeetingOutcomeInline]
    search_fields = ["tandem__name", *INSTITUTION_NAMES]
    list_select_related = ["tour", "tandem", "institution", "video_provider"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]
    autocomplete_fields = ["request"]
    actions = ["cancel", "mark_held", "mark_no_show"]

    def get_readonly_fields(self, request, obj=None):
        return ["request"] if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_queryset(self, request):
        return with_answers(super().get_queryset(request))

    @admin.display(description=_("tandem's answer"))
    def tandem_answer(self, obj):
        return answer_text(obj.tandem_attendance, obj.tandem_result)

    @admin.display(description=_("partner's answer"))
    def institution_answer(self, obj):
        return answer_text(obj.institution_attendance, obj.institution_result)

    def save_model(self, request, obj, form, change):
        """The services saved it in the form's ``clean``."""

    def has_delete_permission(self, request, obj=None):
        return False

    cancel = reasoned_action(
        meeting_services.cancel_meeting,
        "meeting",
        description=_("Cancel the selected meetings"),
        done=ngettext_lazy(
            "%(count)d meeting cancelled.", "%(count)d meetings cancelled.", "count"
        ),
        title=_("Cancel these meetings?"),
        intro=_(
            "These meetings will be cancelled, and both sides of each told by e-mail with the "
            "reason you give:"
        ),
        confirm=_("Yes, cancel these meetings"),
    )

    mark_held = service_action(
        meeting_services.mark_meeting_held,
        "meeting",
        description=_("Mark as held"),
        done=ngettext_lazy(
            "%(count)d meeting marked as held.",
            "%(count)d meetings marked as held.",
            "count",
        ),
    )
    mark_no_show = service_action(
        meeting_services.mark_meeting_no_show,
        "meeting",
        description=_("Mark as no-show"),
        done=ngettext_lazy(
            "%(count)d meeting marked as no-show.",
            "%(count)d meetings marked as no-show.",
            "count",
        ),
    )
