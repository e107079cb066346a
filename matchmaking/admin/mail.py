"""The organisers' admin for e-mail: invitations (one by one or imported) and the outbox.
Every action calls a service."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from ..models import Invitation, InvitationState, OutboxMessage
from ..services import DomainError
from ..services import invitations as invitation_services
from ..services import outbox as outbox_services
from .base import ActorForm, ActorFormAdmin, ReadOnlyAdmin, service_action


class InvitationForm(ActorForm):
    """Adding an invitation goes through the service, which also writes its e-mail."""

    class Meta:
        model = Invitation
        fields = ["email", "name", "role", "tandem", "institution", "tour", "language", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and "time_zone" in self.fields:
            # Prefilled with the model's default, every partner would start in Berlin time.
            zone = self.fields["time_zone"]
            zone.required, zone.initial, self.initial["time_zone"] = False, "", ""
            zone.help_text = _("Empty: the home time zone of the side the person joins.")

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk:
            return data
        try:
            self.instance = invitation_services.create_invitation(actor=self.actor, **data)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        # The form's values are copied onto the saved invitation next: keep the tour and the
        # zone the service chose (the tandem's, or the institution's newest; its side's zone).
        return {**data, "tour": self.instance.tour, "time_zone": self.instance.time_zone}


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return InvitationState.choices

    def queryset(self, request, queryset):
        if self.value() in InvitationState.values:
            return queryset.filter(Invitation.state_filter(self.value()))
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_(
            "Columns: name, e-mail, role, institution or tandem, language; optionally tour "
            "(else a partner joins the institution's newest tour)."
        ),
    )
    only_valid = forms.BooleanField(
        label=_("Import only the valid rows and leave out the others"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Please upload a .csv or .xlsx file."))
        limit = settings.INVITATION_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is too large (%(size)s): at most %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


@admin.register(Invitation)
class InvitationAdmin(ActorFormAdmin):
    form = InvitationForm
    list_display = [
        "email",
        "name",
        "role",
        "tandem",
        "institution",
        "tour",
        "language",
        "state_label",
    ]
    list_filter = [InvitationStateFilter, "role", "tour", "language"]
    search_fields = ["email", "name", "tandem__name", "institution__name"]
    list_select_related = ["tandem", "institution", "tour", "message"]
    autocomplete_fields = ["tandem", "institution"]
    readonly_fields = ["state_label", "expires_at", "accepted_at", "user", "last_error"]
    actions = ["resend", "revoke"]

    @admin.display(description=_("state"))
    def state_label(self, obj):
        return InvitationState(obj.state).label

    @admin.display(description=_("last error"))
    def last_error(self, obj):
        return obj.message.last_error if obj.message else ""

    def get_readonly_fields(self, request, obj=None):
        if obj:  # a sent invitation is not edited: revoke it and invite again
            return [*InvitationForm.Meta.fields, *self.readonly_fields]
        return []

    def save_model(self, request, obj, form, change):
        """The service saved it in ``clean``."""

    def has_delete_permission(self, request, obj=None):
        return False

    resend = service_action(
        invitation_services.resend_invitation,
        "invitation",
        description=_("Send the selected invitations again (new link)"),
        done=ngettext_lazy(
            "%(count)d invitation sent again.",
            "%(count)d invitations sent again.",
            "count",
        ),
    )
    revoke = service_action(
        invitation_services.revoke_invitation,
        "invitation",
        description=_("Revoke the selected invitations"),
        done=ngettext_lazy(
            "%(count)d invitation revoked.",
            "%(count)d invitations revoked.",
            "count",
        ),
    )

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="matchmaking_invitation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        rows = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = invitation_services.parse_invitation_file(upload.name, upload.read())
                created = invitation_services.import_invitations(
                    actor=request.user, rows=rows, only_valid=form.cleaned_data["only_valid"]
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                skipped = sum(bool(row.problems) for row in rows)
                queued = ngettext(
                    "%(count)d invitation queued.", "%(count)d invitations queued.", len(created)
                ) % {"count": len(created)}
                left_out = ngettext(
                    "%(count)d row left out.", "%(count)d rows left out.", skipped
                ) % {"count": skipped}
                self.message_user(request, f"{queued} {left_out}", messages.SUCCESS)
                return redirect(reverse("admin:matchmaking_invitation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import invitations"),
            "form": form,
            "bad_rows": [row for row in rows if row.problems],
        }
        return TemplateResponse(request, "admin/matchmaking/invitation/import.html", context)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "email",
        "language",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind", "language"]
    search_fields = ["email", "dedupe_key", "last_error"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields] + ["message_id"]
    actions = ["retry"]

    retry = service_action(
        outbox_services.retry_message,
        "message",
        description=_("Send the selected failed e-mails again"),
        done=ngettext_lazy(
            "%(count)d e-mail queued again.",
            "%(count)d e-mails queued again.",
            "count",
        ),
    )
