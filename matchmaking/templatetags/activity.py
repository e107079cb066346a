"""The admin's start page lists the organiser's own recent actions from the activity log."""

from django import template

from ..admin.history import admin_url
from ..models import ActivityLog

register = template.Library()


@register.simple_tag
def recent_activity(user, count: int = 10) -> list[ActivityLog]:
    entries = list(ActivityLog.objects.filter(actor=user).select_related("content_type")[:count])
    for entry in entries:
        entry.url = admin_url(entry)
    return entries
