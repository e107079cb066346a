from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import Language
from .choices import ChoiceLabels
from .validators import validate_time_zone


class UserManager(DjangoUserManager):
    """People log in with their e-mail address; there is no user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def renew_roles(self, people) -> None:
        """Raise ``roles_version`` of these people (ids, or a queryset of ids) in one UPDATE:
        their cached roles are read afresh (services/role_versions.py)."""
        if not isinstance(people, models.QuerySet):
            people = [pk for pk in set(people) if pk is not None]
            if not people:
                return
        self.filter(pk__in=people).update(roles_version=models.F("roles_version") + 1)


class User(ChoiceLabels, AbstractUser):
    """A person on the portal, with the profile that decides their language and time zone."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    # The tour switcher's choice, kept on the profile so it holds on every device and for the
    # calendar feed; ignored once the person no longer takes part in that tour.
    chosen_tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("chosen tour"),
    )
    # Set when the person's data were erased (services/personal_data.py); the row stays, without
    # anything that names them, so the tours' figures stay right.
    erased_at = models.DateTimeField(
        _("personal data erased"), null=True, blank=True, editable=False
    )
    # Counts the changes to what ``permissions.roles_of`` reads for the person (their roles and
    # the tours, tandems, institutions and offices behind them): raised in the same transaction
    # as such a change (services/role_versions.py), so a cached copy of the roles, kept under
    # this number, can never outlive the rows it was read from.
    roles_version = models.PositiveIntegerField(
        _("version of the roles"), default=0, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # The row outlives the erasure; its stand-in address is no name to show anyone.
        if self.erased_at is not None:
            return str(_("deleted account"))
        # An account that never gave a name (from before the name was asked for) is not shown
        # by its e-mail address: the other side would read a private address.
        return self.display_name or self.get_full_name() or str(_("unnamed participant"))

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)
