"""What came of the meetings, for the organisers: both sides' answers beside each meeting, a
filter for where they differ, and the answers themselves (read-only: only the sides write
them, through ``services.outcomes``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..enums import Attendance, OutcomeResult
from ..models import MeetingOutcome
from ..selectors.outcomes import AGREEMENT
from .base import INSTITUTION_NAMES, ReadOnlyAdmin


def answer_text(attendance: str | None, result: str | None) -> str:
    """One side's answer in a cell: whether it took place, and what came of it."""
    if attendance is None:
        return "–"
    if attendance == Attendance.NO_SHOW:
        return str(Attendance(attendance).label)
    return str(OutcomeResult(result).label) if result else str(Attendance(attendance).label)


class SidesAgreementFilter(admin.SimpleListFilter):
    """On a list of meetings ``with_answers``."""

    title = _("sides' answers")
    parameter_name = "answers"

    def lookups(self, request, model_admin):
        return [
            ("differ", _("Sides differ")),
            ("agree", _("Sides agree")),
            ("one_side", _("One side answered")),
            ("none", _("No answer yet")),
        ]

    def queryset(self, request, queryset):
        if self.value() in AGREEMENT:
            return queryset.filter(AGREEMENT[self.value()])
        return queryset


class MeetingOutcomeInline(admin.TabularInline):
    model = MeetingOutcome
    extra = 0
    can_delete = False
    fields = ["side", "attendance", "result", "note", "answered_by", "answered_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MeetingOutcome)
class MeetingOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "side", "attendance", "result", "answered_by", "answered_at"]
    list_filter = ["meeting__tour", "side", "attendance", "result"]
    search_fields = ["meeting__tandem__name", *(f"meeting__{n}" for n in INSTITUTION_NAMES), "note"]
    list_select_related = ["meeting__tandem", "meeting__institution", "answered_by"]
    date_hierarchy = "answered_at"
