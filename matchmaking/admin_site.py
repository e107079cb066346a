"""The organisers' admin site: Django's, opening on the control room and serving its pages
(``admin/control_room.py``). ``apps.OrganisersAdminConfig`` makes it the default site, so every
``admin.register`` lands here.

Django imports this class while it sets the default site up, which the admin modules' first
``admin.register`` triggers; so this module sits outside the ``admin`` package and imports the
control room only when a page is asked for (importing it here would register the model admins
on a site that is then replaced)."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from .models import User
from .permissions import is_organiser


def label_for_organisers(obj) -> str:
    """A person as organisers pick them: the name the other side reads, and the address, which
    tells two people of one name apart (and names an account that gave none)."""
    return f"{obj} <{obj.email}>" if isinstance(obj, User) else str(obj)


class OrganisersAutocomplete(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": label_for_organisers(obj)}


class OrganisersSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        from .admin.control_room import landing_context

        landing = landing_context(request) if is_organiser(request.user) else {}
        return super().index(request, {**landing, **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        # The index and its sidebar each ask for the list: it is built once per request.
        built = request.__dict__.setdefault("_app_lists", {})
        if app_label not in built:
            built[app_label] = super().get_app_list(request, app_label)
        return built[app_label]

    def autocomplete_view(self, request):
        return OrganisersAutocomplete.as_view(admin_site=self)(request)

    def get_urls(self):
        from .admin.control_room import urls

        return urls(self) + super().get_urls()
