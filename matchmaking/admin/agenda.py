"""The organisers' admin for tours and their agenda: days and breaks, sessions, speakers,
supporters. A tour's status and a session's publication, changes, withdrawal and deletion go
through their services; the forms show a refusal as a form error or message."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from modeltranslation.admin import TranslationTabularInline

from ..enums import TOUR_TRANSITIONS, TourStatus
from ..models import Session, Speaker, Supporter, Tour, TourDay, VideoProvider, WindowBreak
from ..models.languages import localized
from ..permissions import is_organiser
from ..selectors.registrations import with_places
from ..services import DomainError
from ..services import registrations as registration_services
from ..services import sessions as session_services
from ..services.personal_data import anonymise_tour
from ..services.scheduling import left_out_message, meetings_left_out
from ..services.tours import change_tour_status, ensure_slot_length_may_change
from . import scheduling
from .base import (
    ActorForm,
    ActorFormMixin,
    GuardedDeletionAdmin,
    LoggedAdmin,
    TranslatedAdmin,
    move_reason,
    move_reason_field,
    reasoned_action,
    service_action,
    service_button,
)
from .exchange import ExportAdmin, SessionResource
from .registrations import SessionRegistrationInline
from .zones import ZonedInputs


def _day_refusal(day: TourDay, window=None, breaks=None) -> str:
    """Why the stored day cannot take this window and these breaks (or, without a window, be
    deleted): scheduled meetings would fall outside its slots; "" when none would."""
    meetings = meetings_left_out(day=day, window=window, breaks=breaks)
    return f"{day.date.isoformat()}: {left_out_message(meetings)}" if meetings else ""


class TourDaysFormSet(BaseInlineFormSet):
    """The tour page's days: none deleted or given a window that leaves a meeting out."""

    def clean(self):
        super().clean()
        if any(self.errors):  # a row's own mistakes first: its window may not even be a time
            return
        refusals = []
        for form in self.initial_forms:
            data = form.cleaned_data
            if not data or not (self._should_delete_form(form) or form.has_changed()):
                continue
            window = None
            if not self._should_delete_form(form):
                window = (data["window_start"], data["window_end"])
            refusals.append(_day_refusal(form.instance, window))
        # Not the row's own error: Django drops those of a row marked for deletion.
        if any(refusals):
            raise ValidationError([refusal for refusal in refusals if refusal])


class TourDayInline(ZonedInputs, admin.TabularInline):
    model = TourDay
    formset = TourDaysFormSet
    extra = 0


class SupporterInline(TranslationTabularInline):
    model = Supporter
    extra = 0


class VideoProviderInline(admin.TabularInline):
    """The video services the tour's meetings may use; the default one opens each new
    meeting's room."""

    model = VideoProvider
    extra = 0


def status_action(status: TourStatus, *, description, done):
    """An action moving the selected tours to ``status`` through ``change_tour_status``."""
    return service_action(
        partial(change_tour_status, status=status), "tour", description=description, done=done
    )


class TourForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if self.instance.pk and "slot_minutes" in self.changed_data:
            try:
                ensure_slot_length_may_change(tour=self.instance)
            except DomainError as exc:
                self.add_error("slot_minutes", str(exc))
        return data


@admin.register(Tour)
class TourAdmin(TranslatedAdmin):
    form = TourForm
    list_display = ["name", "status", "slot_minutes", "tandem_time_zone", "partner_time_zone"]
    list_filter = ["status"]
    search_fields = [*localized("name"), "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [TourDayInline, SupporterInline, VideoProviderInline]
    # Links to the meeting grid and the schedule planner, buttons for the status.
    change_form_template = "admin/matchmaking/tour/change_form.html"
    # A new tour is a draft; the status changes only through change_tour_status (the buttons
    # of the change page and the actions below).
    readonly_fields = ["status"]
    actions = [
        "plan_schedule",
        "open_tours",
        "start_tours",
        "finish_tours",
        "tours_back_to_draft",
        "anonymise",
    ]

    open_tours = status_action(
        TourStatus.OPEN,
        description=_("Open the selected tours for requests"),
        done=ngettext_lazy(
            "%(count)d tour opened for requests.", "%(count)d tours opened for requests.", "count"
        ),
    )
    start_tours = status_action(
        TourStatus.RUNNING,
        description=_("Mark the selected tours as running"),
        done=ngettext_lazy(
            "%(count)d tour marked as running.", "%(count)d tours marked as running.", "count"
        ),
    )
    finish_tours = status_action(
        TourStatus.FINISHED,
        description=_("Mark the selected tours as finished"),
        done=ngettext_lazy(
            "%(count)d tour marked as finished.", "%(count)d tours marked as finished.", "count"
        ),
    )
    tours_back_to_draft = status_action(
        TourStatus.DRAFT,
        description=_("Put the selected tours back to draft"),
        done=ngettext_lazy(
            "%(count)d tour put back to draft.", "%(count)d tours put back to draft.", "count"
        ),
    )
    anonymise = service_action(
        anonymise_tour,
        "tour",
        description=_("Anonymise the finished tour (people and their texts)"),
        done=ngettext_lazy("%(count)d tour anonymised.", "%(count)d tours anonymised.", "count"),
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tour = self.get_object(request, object_id)
        steps = []
        if tour is not None:
            steps = [TourStatus(s) for s in TourStatus.values if s in TOUR_TRANSITIONS[tour.status]]
        extra_context = {**(extra_context or {}), "status_steps": steps}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/status/",
                service_button(
                    self,
                    change_tour_status,
                    "tour",
                    done=_("The status of %(name)s is changed."),
                    arguments=("status",),
                ),
                name="matchmaking_tour_status",
            ),
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


class DayBreaksFormSet(BaseInlineFormSet):
    """A day's breaks, checked with the day's new window: no scheduled meeting may end up in a
    break or outside the window."""

    def clean(self):
        super().clean()
        day = self.instance
        if any(self.errors) or day.pk is None or None in (day.window_start, day.window_end):
            return
        breaks = [
            (form.cleaned_data["starts_at"], form.cleaned_data["ends_at"])
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        refusal = _day_refusal(day, (day.window_start, day.window_end), breaks)
        if refusal:
            raise ValidationError(refusal)


class WindowBreakInline(ZonedInputs, admin.TabularInline):
    model = WindowBreak
    formset = DayBreaksFormSet
    extra = 0


@admin.register(TourDay)
class TourDayAdmin(ZonedInputs, GuardedDeletionAdmin, LoggedAdmin):
    list_display = ["tour", "date", "window_start", "window_end"]
    list_filter = ["tour"]
    date_hierarchy = "date"
    inlines = [WindowBreakInline]

    def deletion_refusals(self, objs) -> list[str]:
        return [refusal for refusal in map(_day_refusal, objs) if refusal]


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


class SessionSpeakersFormSet(BaseInlineFormSet):
    """A session's speakers: their institutions must take part in the session's tour."""

    def clean(self):
        super().clean()
        tour = getattr(self.instance, "tour", None)
        if any(self.errors) or tour is None:
            return
        speakers = [
            form.cleaned_data["speaker"]
            for form in self.forms
            if form.cleaned_data.get("speaker") and not self._should_delete_form(form)
        ]
        try:
            session_services.ensure_fits_tour(tour=tour, speakers=speakers)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc


class SessionSpeakerInline(admin.TabularInline):
    model = Session.speakers.through
    formset = SessionSpeakersFormSet
    extra = 1
    verbose_name = _("speaker")
    verbose_name_plural = _("speakers")

    def get_formset(self, request, obj=None, **kwargs):
        # The joining rows' columns are named by Django, untranslated.
        kwargs.setdefault("labels", {"speaker": _("speaker")})
        return super().get_formset(request, obj, **kwargs)


class SessionDayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        """The chosen tour's days (the tour filter's), else every tour's, each date once."""
        days = TourDay.objects.all()
        tour = request.GET.get("tour__id__exact", "")
        if tour.isdigit():
            days = days.filter(tour_id=tour)
        dates = days.order_by("date").values_list("date", flat=True).distinct()
        return [(day.isoformat(), date_format(day, "SHORT_DATE_FORMAT")) for day in dates]

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(starts_at__date=self.value())
            except ValidationError:
                return queryset.none()
        return queryset


class SessionForm(ActorForm):
    """A new session is a draft; changing one goes through ``change_session`` (a published
    session may not come to overlap its participants' meetings, and they are told of a new
    time, title, video link or set of participants). Publishing and withdrawing are buttons and
    actions of their own."""

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
        ]

    reason = move_reason_field()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.instance.pk is None:
            try:
                session_services.ensure_fits_tour(
                    tour=data["tour"],
                    starts_at=data["starts_at"],
                    tandems=data["tandems"],
                    institutions=[*data["institutions"], *filter(None, [data.get("host")])],
                )
            except DomainError as exc:
                raise ValidationError(str(exc)) from exc
            return data
        changes = {
            name: data[name]
            for name in self.changed_data
            if name in session_services.CHANGEABLE and name in data
        }
        reason = ""
        if self.instance.is_published and {"starts_at", "ends_at"} & set(changes):
            reason = move_reason(self, data)
            if reason is None:
                return data
        try:
            # The change page saves the inline speakers afterwards, in the same transaction.
            self.instance = session_services.change_session(
                actor=self.actor, session=self.instance, changes=changes, reason=reason
            )
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(Session)
class SessionAdmin(ZonedInputs, ExportAdmin, ActorFormMixin, GuardedDeletionAdmin, TranslatedAdmin):
    resource_classes = [SessionResource]
    form = SessionForm
    list_display = [
        "starts_at",
        "ends_at",
        "title",
        "kind",
        "host",
        "capacity",
        "is_published",
    ]
    list_select_related = ["tour", "host"]
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
    # Publish, withdraw (with a reason) and delete buttons above the form.
    change_form_template = "admin/matchmaking/session/change_form.html"

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

    unpublish = reasoned_action(
        session_services.cancel_session,
        "session",
        description=_("Withdraw the selected sessions from the programme"),
        done=ngettext_lazy(
            "%(count)d session withdrawn; its participants are told.",
            "%(count)d sessions withdrawn; their participants are told.",
            "count",
        ),
        title=_("Withdraw these sessions from the programme?"),
        intro=_(
            "These sessions will be withdrawn, and everyone who had them in their calendar told "
            "by e-mail with the reason you give:"
        ),
        confirm=_("Yes, withdraw these sessions"),
    )

    def get_fieldsets(self, request, obj=None):
        # modeltranslation's fieldsets leave read-only and non-model fields out.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            *fieldsets,
            (_("Moving a published session"), {"fields": ["reason"]}),
            (_("Registrations"), {"fields": ["places"]}),
        ]

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

    def get_readonly_fields(self, request, obj=None):
        # Published only through the services; a session stays in the tour it was made for.
        fixed = [*self.readonly_fields, "is_published"]
        return [*fixed, "tour"] if obj else fixed

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/publish/",
                service_button(
                    self,
                    session_services.publish_session,
                    "session",
                    done=_("%(name)s is published; its participants are told."),
                ),
                name="matchmaking_session_publish",
            ),
            path(
                "<int:object_id>/withdraw/",
                service_button(
                    self,
                    session_services.cancel_session,
                    "session",
                    done=_("%(name)s is withdrawn from the programme; its participants are told."),
                    arguments=("reason",),
                ),
                name="matchmaking_session_withdraw",
            ),
        ]
        return own + super().get_urls()

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if not add:
            message["fields"] = {}  # change_session logged them
        return message

    def save_model(self, request, obj, form, change):
        if not change:  # a new draft; changes were saved by change_session in the form
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            return
        for formset in formsets:  # the participants were set by change_session
            self.save_formset(request, form, formset, change=change)
        if "capacity" in form.changed_data:
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

    # --- deleting: never a published session ---------------------------------------------

    def deletion_refusals(self, objs) -> list[str]:
        return [
            _(
                "“%(session)s” is published: withdraw it from the programme first (its "
                "participants' calendars are told), then delete it."
            )
            % {"session": session}
            for session in objs
            if session.is_published
        ]

    def log_deletions(self, request, queryset):
        pass  # delete_session logs each

    def delete_model(self, request, obj):
        session_services.delete_session(actor=request.user, session=obj)

    def delete_queryset(self, request, queryset):
        for session in queryset:
            try:
                session_services.delete_session(actor=request.user, session=session)
            except DomainError as exc:  # published since the confirmation page was shown
                self.message_user(request, f"{session}: {exc}", messages.ERROR)
