"""The organisers' admin for tours and their agenda: days and breaks, sessions, speakers,
supporters. Publishing and withdrawing a session go through its service."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from modeltranslation.admin import TranslationTabularInline

from ..enums import LogAction
from ..models import Session, Speaker, Supporter, Tour, TourDay, VideoProvider, WindowBreak
from ..models.languages import localized
from ..permissions import is_organiser
from ..selectors.registrations import with_places
from ..services import registrations as registration_services
from ..services import sessions as session_services
from . import scheduling
from .base import LoggedAdmin, TranslatedAdmin, service_action
from .registrations import SessionRegistrationInline


class TourDayInline(admin.TabularInline):
    model = TourDay
    extra = 0


class SupporterInline(TranslationTabularInline):
    model = Supporter
    extra = 0


class VideoProviderInline(admin.TabularInline):
    """The video services the tour's meetings may use; the default one opens each new
    meeting's room."""

    model = VideoProvider
    extra = 0


@admin.register(Tour)
class TourAdmin(TranslatedAdmin):
    list_display = ["name", "status", "slot_minutes", "tandem_time_zone", "partner_time_zone"]
    list_filter = ["status"]
    search_fields = [*localized("name"), "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [TourDayInline, SupporterInline, VideoProviderInline]
    # Links to the meeting grid and the schedule planner.
    change_form_template = "admin/matchmaking/tour/change_form.html"
    # The status is still a field here, not yet a service; its change is logged on its own.
    own_actions = {"status": lambda old, new: LogAction.STATUS}
    actions = ["plan_schedule"]

    def get_urls(self):
        own = [
            path(
                "<int:pk>/schedule/",
                self.admin_site.admin_view(partial(scheduling.plan_view, self)),
                name="matchmaking_tour_schedule",
            ),
            path(
                "<int:pk>/schedule/<int:run_pk>/",
                self.admin_site.admin_view(partial(scheduling.plan_run_view, self)),
                name="matchmaking_tour_plan",
            ),
            path(
                "<int:pk>/grid/",
                self.admin_site.admin_view(partial(scheduling.grid_view, self)),
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
class TourDayAdmin(LoggedAdmin):
    list_display = ["tour", "date", "window_start", "window_end"]
    list_filter = ["tour"]
    date_hierarchy = "date"
    inlines = [WindowBreakInline]


@admin.register(Speaker)
class SpeakerAdmin(TranslatedAdmin):
    list_display = ["name", "title", "position", "organisation", "tour", "order"]
    list_filter = ["tour"]
    search_fields = ["name", "organisation", *localized("position")]
    list_editable = ["order"]


@admin.register(Supporter)
class SupporterAdmin(TranslatedAdmin):
    list_display = ["name", "tour", "url", "order"]
    list_filter = ["tour"]
    search_fields = localized("name")
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
            *localized("title"),
            *localized("description"),
            "starts_at",
            "ends_at",
            "host",
            "tandems",
            "institutions",
            "capacity",
            "registration",
            "keeps_waiting_list",
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
            tour=data["tour"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            tandem_ids=[t.pk for t in data.get("tandems", [])],
            institution_ids=institution_ids,
        )
        if clashes:
            raise ValidationError(session_services.clash_message(clashes))
        return data


@admin.register(Session)
class SessionAdmin(TranslatedAdmin):
    form = SessionForm
    list_display = ["starts_at", "ends_at", "title", "kind", "host", "capacity", "is_published"]
    list_display_links = ["title"]
    list_filter = ["tour", SessionDayFilter, "kind", "is_published"]
    search_fields = [
        *localized("title"),
        *localized("description"),
        *(f"host__{column}" for column in localized("name")),
    ]
    ordering = ["starts_at"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["tandems", "institutions"]
    exclude = ["speakers"]
    inlines = [SessionSpeakerInline, SessionRegistrationInline]
    readonly_fields = ["places"]
    actions = ["publish", "unpublish"]
    # The checkbox publishes without the service (the actions use it); logged as they would be.
    own_actions = {
        "is_published": lambda old, new: LogAction.PUBLISH if new else LogAction.UNPUBLISH
    }

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

    def get_fieldsets(self, request, obj=None):
        # modeltranslation's fieldsets leave read-only fields out.
        fieldsets = super().get_fieldsets(request, obj)
        return [*fieldsets, (_("Registrations"), {"fields": ["places"]})] if obj else fieldsets

    @admin.display(description=_("places"))
    def places(self, obj):
        if obj.pk is None or not obj.takes_registrations:
            return "–"
        counted = with_places(Session.objects.filter(pk=obj.pk)).get()
        add = reverse("admin:matchmaking_registration_add") + f"?session={obj.pk}"
        return format_html(
            '{} · <a href="{}">{}</a>',
            _("%(taken)d of %(capacity)d taken, %(waiting)d waiting")
            % {"taken": counted.taken, "capacity": obj.capacity, "waiting": counted.waiting},
            add,
            _("Add a registration"),
        )

    def save_related(self, request, form, formsets, change):
        # After the participants are saved, so the people told are the current ones.
        super().save_related(request, form, formsets, change)
        if change:
            session_services.announce_session_change(
                actor=request.user, session=form.instance, changed_fields=form.changed_data
            )
        if change and "capacity" in form.changed_data:
            # More places: the waiting list moves up by itself, as after a cancellation.
            moved = registration_services.fill_free_places(
                actor=request.user, session=form.instance
            )
            if moved:
                self.message_user(
                    request,
                    ngettext_lazy(
                        "%(count)d party moved up from the waiting list and is told.",
                        "%(count)d parties moved up from the waiting list and are told.",
                        "count",
                    )
                    % {"count": len(moved)},
                    messages.SUCCESS,
                )
