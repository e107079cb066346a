"""The organisers' admin for people: accounts, tandems and their members, institutions and
their representatives, topics."""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

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
from ..permissions import may_manage_account
from ..roles import ORGANISERS_GROUP
from ..services import DomainError, personal_data
from ..services import accounts as account_services
from .base import (
    INSTITUTION_NAMES,
    LoggedAdmin,
    SafeAutocompleteAdmin,
    TranslatedAdmin,
    service_action,
)
from .exchange import (
    ImportExportAdmin,
    InstitutionResource,
    RepresentativeResource,
    TandemResource,
)


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


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].help_text = _(
                "Nobody sets another person's password here: use the action “Send a password "
                "reset e-mail” and its owner chooses a new one."
            )


@admin.register(User)
class UserAdmin(LoggedAdmin, DjangoUserAdmin):
    """People's accounts. Organisers manage those of tandems and partners; an account that is
    staff or superuser they only see (``permissions.may_manage_account``), and nobody changes
    another person's password here."""

    form = UserChangeForm
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
    actions = ["send_password_reset", "erase_personal_data"]
    erase_personal_data = service_action(
        personal_data.erase_personal_data,
        "user",
        description=_("Delete personal data (GDPR / PIPL)"),
        done=ngettext_lazy(
            "The personal data of %(count)d account are deleted.",
            "The personal data of %(count)d accounts are deleted.",
            "count",
        ),
    )
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

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj != request.user and not may_manage_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            # Organisers cannot hand out superuser rights or raw permissions.
            readonly += ["is_superuser", "user_permissions"]
        if obj is not None and not may_manage_account(request.user, obj):
            # An organiser's own account: the profile, not what decides access.
            readonly += ["email", "is_active", "is_staff", "groups"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # Organisers make colleagues organisers, nothing more.
            kwargs["queryset"] = Group.objects.filter(name=ORGANISERS_GROUP)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        """Django's form that sets someone's password directly is not offered: one's own
        password is changed on the account page (with the old one), others' by e-mail."""
        if str(request.user.pk) == str(id):
            return redirect("account_change_password")
        raise PermissionDenied

    @admin.action(description=_("Send a password reset e-mail"))
    def send_password_reset(self, request, queryset):
        sent = 0
        for account in queryset:
            try:
                account_services.send_password_reset(
                    actor=request.user, account=account, request=request
                )
                sent += 1
            except DomainError as exc:
                self.message_user(request, f"{account}: {exc}", messages.ERROR)
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d password reset e-mail sent.",
                    "%(count)d password reset e-mails sent.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )


class RepresentativeInline(SafeAutocompleteAdmin, admin.TabularInline):
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


class TandemMemberInline(SafeAutocompleteAdmin, admin.TabularInline):
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
class InstitutionAdmin(ImportExportAdmin, TranslatedAdmin):
    resource_classes = [InstitutionResource]
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
class TandemAdmin(ImportExportAdmin, TranslatedAdmin):
    resource_classes = [TandemResource]
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
class RepresentativeAdmin(ImportExportAdmin, SafeAutocompleteAdmin, LoggedAdmin):
    resource_classes = [RepresentativeResource]
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
class TandemMemberAdmin(SafeAutocompleteAdmin, LoggedAdmin):
    fields = ["user", "tandem", "role"]
    list_display = ["user", "tandem", "role"]
    list_filter = ["role", "tandem__tour"]
    search_fields = ["user__email", "user__display_name", "tandem__name"]
    autocomplete_fields = ["user", "tandem"]


# Groups and e-mail addresses come from Django and allauth; registered again so that their
# changes go to the same log and their pages show its history.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(Group)
class GroupAdmin(LoggedAdmin, DjangoGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(LoggedAdmin, AllauthEmailAddressAdmin):
    pass


@admin.register(Authenticator)
class AuthenticatorAdmin(LoggedAdmin, AllauthAuthenticatorAdmin):
    """Second factors: a superuser removes a lost one here (organisers have no permission)."""
