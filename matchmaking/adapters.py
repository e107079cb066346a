from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import timezone, translation

from . import notifications
from .models import User
from .permissions import current_tour, is_organiser, role_in, sees_pipeline
from .services.account_log import password_saved_by_allauth


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mails name as the site they come from (its ``current_site``)."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    """The portal and its public address, not the host of whichever request caused the e-mail
    (Django's RequestSite would greet with "Hello from 127.0.0.1:8000!")."""
    return PortalSite(settings.PORTAL_NAME, urlsplit(settings.SITE_URL).netloc)


def landing_url(user) -> str:
    """Each role's own first page after login: the role the person has in the tour they work
    in (the one chosen in the tour switcher, or their newest open one)."""
    if is_organiser(user):
        return reverse("admin:index")
    role = role_in(user, current_tour(user))
    if role is None:
        return reverse("pipeline" if sees_pipeline(user) else "home")
    return reverse("tandem_dashboard" if role.tandem_id else "partner_dashboard")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join by invitation of the organisers, never by open sign-up.
        return False

    def clean_email(self, email: str) -> str:
        # Django's e-mail field lets 320 characters through, the address columns (allauth's, the
        # account's, the outbox's) hold 254: a longer address, typed into the password reset or
        # added to an account, would otherwise fail in the database instead of on the form.
        MaxLengthValidator(account_settings.EMAIL_MAX_LENGTH)(email)
        return super().clean_email(email)

    def get_login_redirect_url(self, request) -> str:
        return landing_url(request.user)

    def add_message(self, request, *args, **kwargs) -> None:
        # The login request arrives in the browser's language; the greeting should already be in
        # the language of the person who just logged in.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with translation.override(user.language):
                return super().add_message(request, *args, **kwargs)
        return super().add_message(request, *args, **kwargs)

    def format_email_subject(self, subject: str) -> str:
        # The outbox puts the portal's prefix before every subject, allauth's included.
        return subject

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # The notice of a changed address goes to the old one, which no longer names the
        # account: the account comes along, so the notice is in its holder's language.
        super().send_notification_mail(
            template_prefix, user, {**(context or {}), "user": user}, email
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails go through the outbox like every other e-mail: written now, in the
        language (and time zone) of the account they are about, else of the person the address
        belongs to (the browser's for an unknown address), and sent by the worker after the
        commit."""
        request = allauth_context.request
        recipient = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = recipient.language if recipient is not None else translation.get_language()
        zone = recipient.time_zone if recipient is not None else timezone.get_current_timezone()
        with translation.override(language), timezone.override(zone):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    "current_site": portal_site(),
                    **context,
                },
            )
        notifications.account_email(
            email=email,
            recipient=recipient,
            language=language,
            subject=message.subject,
            text=message.body,
        )

    def set_password(self, user, password) -> None:
        # allauth's own signal, sent next, logs the change with the way it was made.
        with password_saved_by_allauth():
            super().set_password(user, password)
