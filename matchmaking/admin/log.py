"""The history of changes, read-only for organisers."""

from django.contrib import admin

from ..models import AuditRecord
from .base import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "entity", "entity_id", "action", "from_status", "to_status", "actor"]
    list_filter = ["entity", "action", "to_status"]
    search_fields = ["entity_id", "note", "actor__email"]
    date_hierarchy = "at"
