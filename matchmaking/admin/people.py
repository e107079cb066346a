"""The organisers' admin for people: accounts, tandems and their members, institutions and
their representatives, topics."""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..enums import MemberRole
from ..models import (
    Institution,
    Participation,
    Representative,
    Tandem,
    TandemMember,
    Topic,
    User,
)
from ..models.languages import localized
from .base import INSTITUTION_NAMES, LoggedAdmin, TranslatedAdmin


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class ParticipationInline(admin.TabularInline):
    """The person's role in each tour, at a glance; roles are given on the tandem's or the
    institution's page (or by invitation)."""

    model = Participation
    fields = ["tour", "role", "tandem", "institution", "position"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(LoggedAdmin, DjangoUserAdmin):
    add_form = UserCreationForm
    inlines = [ParticipationInline]
    # The account's signals log access and password changes by any path, this page included.
    logged_elsewhere = frozenset(
        {
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "password",
            "password1",
            "password2",
            "usable_password",
        }
    )
    ordering = ["email"]
    list_display = ["email", "display_name", "language", "time_zone", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "language", "groups"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["display_name", "first_name", "last_name", "language", "time_zone"]},
        ),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
    ]

    def log_addition(self, request, obj, message):
        pass  # the account's signal logged its creation

    def get_readonly_fields(self, request, obj=None):
        # Organisers manage people but cannot hand out superuser rights or raw permissions.
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["last_login", "date_joined", "is_superuser", "user_permissions"]


class RepresentativeInline(admin.TabularInline):
    """A representative speaks for the institution in one of the tours it joins."""

    model = Representative
    fields = ["user", "tour", "position"]
    extra = 1
    autocomplete_fields = ["user"]


class TandemMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        roles = [
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if sorted(roles) != sorted(MemberRole.values):
            raise ValidationError(
                _("A tandem has exactly two members: one researcher and one entrepreneur.")
            )


class TandemMemberInline(admin.TabularInline):
    model = TandemMember
    fields = ["user", "role"]
    formset = TandemMemberFormSet
    extra = 2
    max_num = 2
    autocomplete_fields = ["user"]


@admin.register(Topic)
class TopicAdmin(TranslatedAdmin):
    list_display = [*localized("name"), "slug"]
    search_fields = [*localized("name"), "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Institution)
class InstitutionAdmin(TranslatedAdmin):
    list_display = [*localized("name"), "kind", "city"]
    list_filter = ["tours", "kind", "province_en", "topics"]
    search_fields = [*localized("name"), *localized("city"), *localized("description"), "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["topics", "tours"]
    inlines = [RepresentativeInline]

    def save_form(self, request, form, change):
        institution = super().save_form(request, form, change)
        # The representatives are checked before the tours are saved: against the tours chosen
        # on this page, so joining a tour and naming its representative take one save.
        institution.tours_in_form = list(form.cleaned_data.get("tours", []))
        return institution


@admin.register(Tandem)
class TandemAdmin(TranslatedAdmin):
    list_display = ["name", "project_title", "tour", "research_organisation", "company"]
    list_filter = ["tour", "topics"]
    search_fields = [
        "name",
        *localized("project_title"),
        *localized("summary"),
        "research_organisation",
        "company",
    ]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics"]
    inlines = [TandemMemberInline]


@admin.register(Representative)
class RepresentativeAdmin(LoggedAdmin):
    fields = ["user", "institution", "tour", "position"]
    list_display = ["user", "institution", "tour", "position"]
    list_filter = ["tour", "institution__kind"]
    search_fields = [
        "user__email",
        "user__display_name",
        *INSTITUTION_NAMES,
    ]
    autocomplete_fields = ["user", "institution"]


@admin.register(TandemMember)
class TandemMemberAdmin(LoggedAdmin):
    fields = ["user", "tandem", "role"]
    list_display = ["user", "tandem", "role"]
    list_filter = ["role", "tandem__tour"]
    search_fields = ["user__email", "user__display_name", "tandem__name"]
    autocomplete_fields = ["user", "tandem"]


# Groups and e-mail addresses come from Django and allauth; registered again so that their
# changes go to the same log and their pages show its history.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)


@admin.register(Group)
class GroupAdmin(LoggedAdmin, DjangoGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(LoggedAdmin, AllauthEmailAddressAdmin):
    pass
