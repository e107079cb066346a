"""The activity log, read-only for everybody: nobody changes or deletes history."""

from django.contrib import admin

from ..models import ActivityLog
from .base import ReadOnlyAdmin


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "object_repr", "content_type", "action", "actor_name"]
    list_filter = ["action", "content_type"]
    date_hierarchy = "at"
