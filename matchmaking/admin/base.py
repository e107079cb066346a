"""What the admin modules share: the base that logs every change made on the admin pages and
shows each object's history, actions and forms that call a service with the acting organiser,
and a base for pages organisers may read but not change."""

from functools import partialmethod
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin

from ..admin_site import label_for_organisers
from ..enums import LogAction
from ..models import ActivityLog
from ..models.languages import localized
from ..models.refusals import refusal_of
from ..services import DomainError
from ..services.activity import from_to, log_action
from .history import describe
from .zones import zoned_columns, zoned_read_only_times


def _shown(field: forms.Field, value: Any) -> Any:
    """A form value as the log keeps it: related objects by name, everything else as it is."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return sorted(str(v) for v in value or [])
    if isinstance(field, forms.ModelChoiceField):
        if value is not None and not isinstance(value, models.Model):
            value = field.queryset.filter(pk=value).first()
        return str(value) if value is not None else None
    if isinstance(field, forms.FileField):
        return str(value or "")
    return value


class SaidOnce:
    """A form that states each refusal once: a rule checked in ``clean()`` (or by the service it
    calls) and again by the database constraint behind it gives one sentence, not two."""

    def full_clean(self):
        super().full_clean()
        for errors in (self._errors or {}).values():
            said = set()
            kept = []
            for error in errors.as_data():
                text = " ".join(error.messages)
                if text not in said:
                    said.add(text)
                    kept.append(error)
            errors.data = kept


class LoggedAdmin(admin.ModelAdmin):
    """Changes made on the admin pages go to the activity log with their old and new values
    (instead of Django's own admin log, which goes when the acting account is deleted), and the
    History link of every change page shows the object's entries in that log."""

    # Fields whose changes a service or a model signal already logs, with their meaning.
    logged_elsewhere: frozenset[str] = frozenset()
    object_history_template = "admin/activity_history.html"

    def construct_change_message(self, request, form, formsets, add=False):
        fields = {
            name: from_to(
                None if add else _shown(form.fields[name], form.initial.get(name)),
                _shown(form.fields[name], form.cleaned_data.get(name)),
            )
            for name in form.changed_data
            if name in form.fields and name not in self.logged_elsewhere
        }
        # Django describes the rows added, changed or deleted in the inlines.
        related = [
            part
            for part in super().construct_change_message(request, form, formsets, add)
            if "name" in next(iter(part.values()))
        ]
        return {"fields": fields, "related": related}

    def _log_form(self, request, obj, message, action: LogAction) -> None:
        fields = message["fields"]
        data = {
            key: value
            for key, value in (("fields", fields), ("related", message["related"]))
            if value
        }
        if data or action == LogAction.CREATE:
            log_action(actor=request.user, obj=obj, action=action, data=data)

    def log_addition(self, request, obj, message):
        self._log_form(request, obj, message, LogAction.CREATE)

    def log_change(self, request, obj, message):
        self._log_form(request, obj, message, LogAction.CHANGE)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            log_action(actor=request.user, obj=obj, action=LogAction.DELETE)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (SaidOnce, form), {})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A form's clean() may already have run a service (which saved and logged) when an inline
        # row or the model's own checks send the page back with errors: nothing may stay saved.
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                response = super().changeform_view(request, object_id, form_url, extra_context)
                if request.method == "POST" and (getattr(response, "context_data", None) or {}).get(
                    "errors"
                ):
                    transaction.set_rollback(True)
        except IntegrityError as error:
            # A rule the form's checks could not see (a field it does not show, a race): the
            # database refused, and the organiser reads why on the page they came from.
            self.message_user(request, refusal_of(error), messages.ERROR)
            return redirect(request.get_full_path(), permanent=False)
        return response

    def get_list_display(self, request):
        # A date-and-time column Django would show without its zone (see zoned_read_only_times).
        names = super().get_list_display(request)
        columns = zoned_columns(self.model, names)
        return [columns.get(name, name) for name in names] if columns else names

    def render_change_form(self, request, context, *args, **kwargs):
        for layout in [context["adminform"], *context.get("inline_admin_formsets", ())]:
            zoned_read_only_times(layout)
        return super().render_change_form(request, context, *args, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:  # Django answers with its "does not exist" redirect
            return super().history_view(request, object_id, extra_context)
        entries = ActivityLog.objects.about(obj).select_related("content_type")
        paginator = self.get_paginator(request, entries, 100)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        for entry in page:
            entry.lines = describe(entry)
        context = {
            "action_list": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "pagination_required": paginator.num_pages > 1,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)


# Lists of requests, meetings and representatives find an institution by its name in any language.
INSTITUTION_NAMES = [f"institution__{column}" for column in localized("name")]


class TranslatedAdmin(LoggedAdmin, TranslationAdmin):
    """A logged admin page that edits each translated field in every language side by side
    (modeltranslation's plain admin: its tabbed one loads jQuery UI from a CDN)."""


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


class ReasonForm(forms.Form):
    """Why an organiser cancels, moves or withdraws something people are told about: the reason
    reaches their e-mail and the history."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Sent to those concerned in the e-mail and kept in the history."),
    )


def reasoned_action(service, keyword: str, *, description, done, title, intro, confirm):
    """An admin action for a destructive change people are told about (cancel, withdraw): it
    first lists the selected objects and asks for confirmation and a reason, then calls
    ``service(actor=organiser, <keyword>=obj, reason=…)`` for each, the reason going into the
    e-mails and the history."""

    def action(modeladmin, request, queryset):
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            succeeded = 0
            for obj in queryset:
                try:
                    service(
                        actor=request.user, **{keyword: obj}, reason=form.cleaned_data["reason"]
                    )
                    succeeded += 1
                except DomainError as exc:
                    modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
            if succeeded:
                modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "confirm": confirm,
            "description": description,
            # The name the admin registered the action under, posted again on confirmation.
            "action": request.POST.get("action", ""),
            "opts": modeladmin.model._meta,
            "objects": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "admin/matchmaking/reason_confirmation.html",
            context,
            status=400 if form.is_bound else 200,
        )

    return admin.action(description=description)(action)


def move_reason_field() -> forms.CharField:
    """The reason a change form asks for when its times change: people are told why."""
    return forms.CharField(
        label=gettext_lazy("Reason for a move"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Needed when you change the time: sent to those concerned in the e-mail and kept in "
            "the history."
        ),
    )


def move_reason(form: forms.Form, data: dict) -> str | None:
    """The reason given for a move, or None (and a form error) when there is none."""
    reason = data.get("reason", "").strip()
    if not reason:
        form.add_error(
            "reason", gettext_lazy("Please give a reason: those concerned are told why.")
        )
        return None
    return reason


def service_button(modeladmin, service, keyword: str, *, done, arguments=()):
    """The view behind a button of a change page: POST only, the object fetched through the
    admin (404 when the organiser cannot see it, 403 when they cannot change it), then
    ``service(actor=organiser, <keyword>=obj, **arguments)``, its refusal shown as a message.
    ``arguments`` names the posted values the service takes ("reason", "status")."""

    @require_POST
    def view(request, object_id):
        obj = modeladmin.get_object(request, str(object_id))
        if obj is None:
            raise Http404
        if not modeladmin.has_change_permission(request, obj):
            raise PermissionDenied
        kwargs = {}
        if "reason" in arguments:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                problems = " ".join(form.errors["reason"])
                modeladmin.message_user(
                    request, f"{form.fields['reason'].label}: {problems}", messages.ERROR
                )
                return redirect(_change_url(obj), permanent=False)
            kwargs["reason"] = form.cleaned_data["reason"]
        kwargs.update({name: request.POST.get(name, "") for name in arguments if name != "reason"})
        try:
            service(actor=request.user, **{keyword: obj}, **kwargs)
        except DomainError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
        else:
            modeladmin.message_user(request, done % {"name": obj}, messages.SUCCESS)
        return redirect(_change_url(obj), permanent=False)

    return modeladmin.admin_site.admin_view(view)


class GuardedDeletionAdmin(admin.ModelAdmin):
    """Objects a rule of the domain keeps (a published session, a day holding meetings): the
    delete page and the bulk "delete selected" action refuse them, each with its reason, before
    Django's confirmation is even shown."""

    def deletion_refusals(self, objs) -> list[str]:
        """Why each of ``objs`` may not be deleted now; empty when all may."""
        raise NotImplementedError

    def _refuse_deletion(self, request, objs) -> bool:
        refusals = self.deletion_refusals(objs)
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)
        return bool(refusals)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self._refuse_deletion(request, [obj]):
            return redirect(_change_url(obj), permanent=False)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete_selected, name, description = actions["delete_selected"]

            def guarded(modeladmin, request, queryset):
                if modeladmin._refuse_deletion(request, queryset):
                    return None
                return delete_selected(modeladmin, request, queryset)

            actions["delete_selected"] = (guarded, name, description)
        return actions


def _change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


class SubmittedIdsAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the submitted value up again to show it; a value that
    is no id at all (a tampered post) would fail that look-up with a 500 instead of the form's
    "Select a valid choice". Such values are left out of the look-up."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field
        to_field = target.model._meta.get_field(target.field_name)
        ids = []
        for submitted in value:
            try:
                to_field.to_python(submitted)
            except ValidationError:
                continue
            ids.append(submitted)
        return super().optgroups(name, ids, attr)


class SafeAutocompleteAdmin(admin.options.BaseModelAdmin):
    """Autocomplete fields that answer a tampered id with a form error (admins and inlines)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                SubmittedIdsAutocompleteSelect(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.label_from_instance = label_for_organisers
        return field


class ActorForm(forms.ModelForm):
    """A change form whose ``clean`` runs a service, which needs to know who acts."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor


class ActorFormMixin:
    """Hands the acting organiser to an ``ActorForm``."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not issubclass(form, ActorForm):
            return form
        return type(
            form.__name__, (form,), {"__init__": partialmethod(form.__init__, actor=request.user)}
        )


class ActorFormAdmin(ActorFormMixin, SafeAutocompleteAdmin, LoggedAdmin):
    """Hands the acting organiser to an ``ActorForm``, whose service logs what it did."""

    def log_addition(self, request, obj, message):
        pass  # the service that created it logged it

    def log_change(self, request, obj, message):
        pass  # changes are made by services, which log them


class ReadOnlyAdmin(LoggedAdmin):
    """Rows written only by the services (history, e-mails): organisers read them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
