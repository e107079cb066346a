"""The organisers' admin for registrations to sessions: the list with its waiting list, adding a
party, removing one (the waiting list moves up) and marking attendance, all through the
registration services. Rows are never deleted: a removed registration stays as cancelled."""

from functools import partial

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ..enums import RegistrationStatus
from ..models import Registration
from ..models.languages import localized
from ..selectors.registrations import with_waiting_position
from ..services import DomainError
from ..services import registrations as registration_services
from .base import INSTITUTION_NAMES, ActorForm, ActorFormAdmin, service_action


def waiting_place(registration: Registration):
    if registration.status != RegistrationStatus.WAITING:
        return "–"
    return registration.waiting_position


class SessionRegistrationInline(admin.TabularInline):
    """The session's list on its own page, read-only: changes go through Registrations."""

    model = Registration
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["tandem", "institution", "status", "place_on_waiting_list", "attended", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("registrations (add, remove and mark attendance under Registrations)")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return with_waiting_position(super().get_queryset(request)).select_related(
            "tandem", "institution"
        )

    @admin.display(description=_("place on the waiting list"))
    def place_on_waiting_list(self, obj):
        return waiting_place(obj)


class RegistrationForm(ActorForm):
    """Adding registers the party through the service, as if it had registered itself: a free
    place, else the waiting list."""

    class Meta:
        model = Registration
        fields = ["session", "tandem", "institution"]

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk is not None:  # a registration's page changes nothing
            return data
        try:
            self.instance = registration_services.register_for_session(
                actor=self.actor,
                session=data["session"],
                tandem=data.get("tandem"),
                institution=data.get("institution"),
            )
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(Registration)
class RegistrationAdmin(ActorFormAdmin):
    form = RegistrationForm
    list_display = [
        "session",
        "party_name",
        "status",
        "place_on_waiting_list",
        "attended",
        "registered_by",
        "created_at",
    ]
    list_filter = ["session__tour", "status", "attended", "session__kind", "session"]
    search_fields = [
        "tandem__name",
        *INSTITUTION_NAMES,
        *(f"session__{column}" for column in localized("title")),
    ]
    list_select_related = ["session", "tandem", "institution", "registered_by"]
    autocomplete_fields = ["session", "tandem", "institution"]
    ordering = ["session__starts_at", "status", "created_at"]
    actions = ["remove", "mark_attended", "mark_absent"]

    def get_queryset(self, request):
        return with_waiting_position(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "session",
            "tandem",
            "institution",
            "status",
            "place_on_waiting_list",
            "attended",
            "registered_by",
            "created_at",
            "confirmed_at",
            "cancelled_at",
        ]

    def save_model(self, request, obj, form, change):
        """The service saved it in the form's ``clean``."""

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("party"))
    def party_name(self, obj):
        return obj.party

    @admin.display(description=_("place on the waiting list"))
    def place_on_waiting_list(self, obj):
        return waiting_place(obj)

    remove = service_action(
        registration_services.cancel_registration,
        "registration",
        description=_("Remove (the waiting list moves up)"),
        done=ngettext_lazy(
            "%(count)d registration removed; the party is told.",
            "%(count)d registrations removed; the parties are told.",
            "count",
        ),
    )
    mark_attended = service_action(
        partial(registration_services.mark_attendance, attended=True),
        "registration",
        description=_("Mark as attended"),
        done=ngettext_lazy(
            "%(count)d registration marked as attended.",
            "%(count)d registrations marked as attended.",
            "count",
        ),
    )
    mark_absent = service_action(
        partial(registration_services.mark_attendance, attended=False),
        "registration",
        description=_("Mark as absent"),
        done=ngettext_lazy(
            "%(count)d registration marked as absent.",
            "%(count)d registrations marked as absent.",
            "count",
        ),
    )
