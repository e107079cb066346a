"""What the admin modules share: actions and forms that call a service with the acting
organiser, and a base for pages organisers may read but not change."""

from functools import partialmethod

from django import forms
from django.contrib import admin, messages

from ..services import DomainError


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services (history, e-mails): organisers read them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
