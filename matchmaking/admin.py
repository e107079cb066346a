"""The organisers' admin site. Status changes go through the services, never through a field."""

from functools import partial, partialmethod

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import admin_scheduling
from .enums import MemberRole
from .models import (
    AuditRecord,
    BlockedSlot,
    Institution,
    Meeting,
    MeetingRequest,
    PreferredSlot,
    Representative,
    Session,
    Speaker,
    Supporter,
    Tandem,
    TandemMember,
    Topic,
    Tour,
    TourDay,
    User,
    WindowBreak,
)
from .permissions import is_organiser
from .reasons import unscheduled_reason_text
from .services import DomainError
from .services import meetings as meeting_services
from .services import requests as request_services
from .services import sessions as session_services


def service_action(service, keyword: str, *, description, done):
    """An admin action that calls ``service(actor=organiser, <keyword>=obj)`` for each selected
    object and reports how many succeeded and each refusal with its reason."""

    def action(modeladmin, request, queryset):
        succeeded = 0
        for obj in queryset:
            try:
                service(actor=request.user, **{keyword: obj})
                succeeded += 1
            except DomainError as exc:
                modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
        if succeeded:
            modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)

    return admin.action(description=description)(action)


class ActorForm(forms.ModelForm):
    """A change form whose ``clean`` runs a service, which needs to know who acts."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor


class ActorFormAdmin(admin.ModelAdmin):
    """Hands the acting organiser to an ``ActorForm``."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not issubclass(form, ActorForm):
            return form
        return type(
            form.__name__, (form,), {"__init__": partialmethod(form.__init__, actor=request.user)}
        )


# --- people -------------------------------------------------------------------------------


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "language", "time_zone", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "language", "groups"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["display_name", "first_name", "last_name", "language", "time_zone"]},
        ),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Organisers manage people but cannot hand out superuser rights or raw permissions.
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["last_login", "date_joined", "is_superuser", "user_permissions"]


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 1
    autocomplete_fields = ["user"]


class TandemMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        roles = [
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if sorted(roles) != sorted(MemberRole.values):
            raise ValidationError(
                _("A tandem has exactly two members: one researcher and one entrepreneur.")
            )


class TandemMemberInline(admin.TabularInline):
    model = TandemMember
    formset = TandemMemberFormSet
    extra = 2
    max_num = 2
    autocomplete_fields = ["user"]


# --- tours and their agenda -----------------------------------------------------------------


class TourDayInline(admin.TabularInline):
    model = TourDay
    extra = 0


class SupporterInline(admin.TabularInline):
    model = Supporter
    extra = 0


@admin.register(Tour)
class TourAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "slot_minutes", "tandem_time_zone", "partner_time_zone"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TourDayInline, SupporterInline]
    # Links to the meeting grid and the schedule planner.
    change_form_template = "admin/matchmaking/tour/change_form.html"
    actions = ["plan_schedule"]

    def get_urls(self):
        own = [
            path(
                "<int:pk>/schedule/",
                self.admin_site.admin_view(partial(admin_scheduling.plan_view, self)),
                name="matchmaking_tour_schedule",
            ),
            path(
                "<int:pk>/grid/",
                self.admin_site.admin_view(partial(admin_scheduling.grid_view, self)),
                name="matchmaking_tour_grid",
            ),
        ]
        return own + super().get_urls()

    def has_schedule_permission(self, request):
        return is_organiser(request.user)

    @admin.action(description=_("Plan meeting schedule"), permissions=["schedule"])
    def plan_schedule(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one tour to plan."), messages.ERROR)
            return None
        return redirect("admin:matchmaking_tour_schedule", queryset.get().pk)


class WindowBreakInline(admin.TabularInline):
    model = WindowBreak
    extra = 0


@admin.register(TourDay)
class TourDayAdmin(admin.ModelAdmin):
    list_display = ["tour", "date", "window_start", "window_end"]
    list_filter = ["tour"]
    date_hierarchy = "date"
    inlines = [WindowBreakInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_de", "name_zh_hans", "slug"]
    search_fields = ["name_en", "name_de", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "kind", "city", "province"]
    list_filter = ["tours", "kind", "province", "topics"]
    search_fields = ["name", "name_zh", "city", "description", "description_zh"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics", "tours"]
    inlines = [RepresentativeInline]


@admin.register(Tandem)
class TandemAdmin(admin.ModelAdmin):
    list_display = ["name", "project_title", "tour", "research_organisation", "company"]
    list_filter = ["tour", "topics"]
    search_fields = ["name", "project_title", "summary", "research_organisation", "company"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics"]
    inlines = [TandemMemberInline]


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ["user", "institution", "position"]
    list_filter = ["institution__kind"]
    search_fields = [
        "user__email",
        "user__display_name",
        "institution__name",
        "institution__name_zh",
    ]
    autocomplete_fields = ["user", "institution"]


@admin.register(TandemMember)
class TandemMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "tandem", "role"]
    list_filter = ["role", "tandem__tour"]
    search_fields = ["user__email", "user__display_name", "tandem__name"]
    autocomplete_fields = ["user", "tandem"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "position", "organisation", "tour", "order"]
    list_filter = ["tour"]
    search_fields = ["name", "organisation", "position"]
    list_editable = ["order"]


@admin.register(Supporter)
class SupporterAdmin(admin.ModelAdmin):
    list_display = ["name", "tour", "url", "order"]
    list_filter = ["tour"]
    search_fields = ["name"]
    list_editable = ["order"]


class SessionSpeakerInline(admin.TabularInline):
    model = Session.speakers.through
    extra = 1
    verbose_name = _("speaker")
    verbose_name_plural = _("speakers")


class SessionDayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [(d.date.isoformat(), d.date.isoformat()) for d in TourDay.objects.order_by("date")]

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(starts_at__date=self.value())
            except ValidationError:
                return queryset.none()
        return queryset


class SessionForm(forms.ModelForm):
    """A published session may not be moved or given participants over their meetings."""

    class Meta:
        model = Session
        fields = [
            "tour",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "host",
            "tandems",
            "institutions",
            "capacity",
            "video_url",
            "is_published",
        ]

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("is_published"):
            return data
        institution_ids = {i.pk for i in data.get("institutions", [])}
        if data.get("host"):
            institution_ids.add(data["host"].pk)
        if self.instance.pk:  # the speakers are edited in the inline below
            institution_ids |= set(
                self.instance.speakers.exclude(institution=None).values_list(
                    "institution_id", flat=True
                )
            )
        clashes = session_services.meetings_in_the_way(
            tour_id=data["tour"].pk,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            tandem_ids=[t.pk for t in data.get("tandems", [])],
            institution_ids=institution_ids,
        )
        if clashes:
            raise ValidationError(session_services.clash_message(clashes))
        return data


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionForm
    list_display = ["starts_at", "ends_at", "title", "kind", "host", "capacity", "is_published"]
    list_display_links = ["title"]
    list_filter = ["tour", SessionDayFilter, "kind", "is_published"]
    search_fields = ["title", "description", "host__name"]
    ordering = ["starts_at"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["tandems", "institutions"]
    exclude = ["speakers"]
    inlines = [SessionSpeakerInline]
    actions = ["publish", "unpublish"]

    publish = service_action(
        session_services.publish_session,
        "session",
        description=_("Publish the selected sessions"),
        done=ngettext_lazy(
            "%(count)d session published; its participants are told.",
            "%(count)d sessions published; their participants are told.",
            "count",
        ),
    )

    unpublish = service_action(
        session_services.cancel_session,
        "session",
        description=_("Withdraw the selected sessions from the programme"),
        done=ngettext_lazy(
            "%(count)d session withdrawn; its participants are told.",
            "%(count)d sessions withdrawn; their participants are told.",
            "count",
        ),
    )

    def save_related(self, request, form, formsets, change):
        # After the participants are saved, so the people told are the current ones.
        super().save_related(request, form, formsets, change)
        if change:
            session_services.announce_session_change(
                actor=request.user, session=form.instance, changed_fields=form.changed_data
            )


# --- requests and meetings --------------------------------------------------------------------


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
class MeetingRequestAdmin(ActorFormAdmin):
    list_display = [
        "tandem",
        "institution",
        "direction",
        "status",
        "created_at",
        "why_unscheduled",
    ]
    list_filter = ["tour", "status", "direction", "institution__kind", "tandem__topics"]
    search_fields = ["tandem__name", "institution__name", "institution__name_zh", "message"]
    list_select_related = ["tandem", "institution"]
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
    cancel = service_action(
        request_services.cancel_request,
        "request",
        description=_("Cancel (and its meeting)"),
        done=ngettext_lazy(
            "%(count)d request cancelled.",
            "%(count)d requests cancelled.",
            "count",
        ),
    )


class MeetingForm(ActorForm):
    """Adding places an accepted request; changing the start moves it. Both through services."""

    class Meta:
        model = Meeting
        fields = ["request", "starts_at", "video_url"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance.pk is None:
                self.instance = meeting_services.schedule_meeting(
                    actor=self.actor, request=data["request"], start=data["starts_at"]
                )
            elif "starts_at" in self.changed_data:
                meeting_services.move_meeting(
                    actor=self.actor, meeting=self.instance, start=data["starts_at"]
                )
                self.instance.refresh_from_db()
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(Meeting)
class MeetingAdmin(ActorFormAdmin):
    form = MeetingForm
    list_display = ["starts_at", "tandem", "institution", "status", "video_url"]
    list_filter = ["tour", "status", "institution__kind"]
    search_fields = ["tandem__name", "institution__name", "institution__name_zh"]
    list_select_related = ["tandem", "institution"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]
    autocomplete_fields = ["request"]
    actions = ["cancel", "mark_held", "mark_no_show"]

    def get_readonly_fields(self, request, obj=None):
        return ["request"] if obj else []

    def save_model(self, request, obj, form, change):
        # Placement and moves were saved by the services; only the video link is edited here.
        if change and "video_url" in form.changed_data:
            Meeting.objects.filter(pk=obj.pk).update(video_url=form.cleaned_data["video_url"])

    def has_delete_permission(self, request, obj=None):
        return False

    cancel = service_action(
        meeting_services.cancel_meeting,
        "meeting",
        description=_("Cancel the selected meetings"),
        done=ngettext_lazy(
            "%(count)d meeting cancelled.",
            "%(count)d meetings cancelled.",
            "count",
        ),
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


@admin.register(BlockedSlot)
class BlockedSlotAdmin(admin.ModelAdmin):
    form = admin_scheduling.BlockedSlotForm
    list_display = ["starts_at", "tandem", "institution", "tour"]
    # Either side may be empty, which Django's automatic select_related leaves out.
    list_select_related = ["tour", "tandem", "institution"]
    list_filter = ["tour"]
    search_fields = ["tandem__name", "institution__name"]
    autocomplete_fields = ["tandem", "institution"]


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "entity", "entity_id", "action", "from_status", "to_status", "actor"]
    list_filter = ["entity", "action", "to_status"]
    search_fields = ["entity_id", "note", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Invitations and the outbox live in their own module; importing it registers them.
from . import admin_notifications  # noqa: E402, F401
