from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from .permissions import institution_of, is_organiser, tandem_of


def landing_url(user) -> str:
    """Each role's own first page after login."""
    if is_organiser(user):
        return reverse("admin:index")
    if tandem_of(user):
        return reverse("tandem_dashboard")
    if institution_of(user):
        return reverse("partner_dashboard")
    return reverse("home")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join by invitation of the organisers, never by open sign-up.
        return False

    def get_login_redirect_url(self, request) -> str:
        return landing_url(request.user)
