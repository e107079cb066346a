"""The activity log, read-only for everybody, superusers included: nobody changes or deletes
history."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..models import ActivityLog
from .base import ReadOnlyAdmin
from .exchange import ActivityLogResource, ExportAdmin
from .history import admin_url, describe


@admin.register(ActivityLog)
class ActivityLogAdmin(ExportAdmin, ReadOnlyAdmin):
    resource_classes = [ActivityLogResource]
    list_display = [
        "at",
        "object_repr",
        "content_type",
        "action",
        "who",
        "details",
    ]
    list_filter = [
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "at",
    ]
    list_select_related = ["content_type"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "at"
    fields = ["at", "who", "actor", "action", "content_type", "object_link", "details"]
    readonly_fields = ["who", "object_link", "details"]

    @admin.display(description=_("who"), ordering="actor_name")
    def who(self, entry: ActivityLog) -> str:
        return entry.who

    @admin.display(description=_("details"))
    def details(self, entry: ActivityLog) -> str:
        return format_html_join("", "<div>{}</div>", ((line,) for line in describe(entry)))

    @admin.display(description=_("object"))
    def object_link(self, entry: ActivityLog) -> str:
        url = admin_url(entry)
        return (
            format_html('<a href="{}">{}</a>', url, entry.object_repr) if url else entry.object_repr
        )
