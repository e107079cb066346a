"""After the tour and data protection: the supporting offices (who they are, which tours they
support, their people), the follow-ups, which organisers read here and in the pipeline page of
the portal, and the consent records."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Consent, FollowUp, SupportingOffice
from ..selectors.followups import overdue_filter
from .base import LoggedAdmin, ReadOnlyAdmin


@admin.register(SupportingOffice)
class SupportingOfficeAdmin(LoggedAdmin):
    list_display = ["name", "tour_names", "people_count"]
    search_fields = ["name"]
    filter_horizontal = ["tours", "people"]

    @admin.display(description=_("tours"))
    def tour_names(self, office):
        return ", ".join(str(tour) for tour in office.tours.all())

    @admin.display(description=_("people"))
    def people_count(self, office):
        return office.people.count()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tours", "people")


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("only overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_filter(timezone.localdate()))
        return queryset


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    """Written by the two sides of a contact on the portal; the pipeline page has the counts
    per stage and the export."""

    list_display = ["contact", "next_step", "owner", "due_on", "stage", "tour"]
    list_filter = ["tour", "stage", OverdueFilter]
    search_fields = ["next_step", "tandem__name", "institution__name_en", "owner__email"]
    list_select_related = ["tour", "tandem", "institution", "owner"]

    @admin.display(description=_("contact"))
    def contact(self, follow_up):
        return f"{follow_up.tandem} ↔ {follow_up.institution}"

    def changelist_view(self, request, extra_context=None):
        link = format_html(
            '<a href="{}">{}</a>', reverse("pipeline"), _("Counts per stage and CSV export")
        )
        return super().changelist_view(request, {"subtitle": link, **(extra_context or {})})


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Who agreed to which version of the consent text, in which language, when."""

    list_display = ["user", "version", "language", "agreed_at"]
    list_filter = ["version", "language"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
