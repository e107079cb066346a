"""Following an invitation link: set a password (new account) or confirm (existing account),
then log in through allauth and land on one's dashboard. Only the POST uses the link, so mail
scanners that open links do not spend it."""

from allauth.account.forms import SetPasswordForm
from allauth.account.utils import perform_login
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation

from ..adapters import landing_url
from ..forms import DisplayNameForm
from ..models import User
from ..services import DomainError
from ..services import invitations as invitation_services
from .access import language_of_link


def accept(request, token):
    try:
        invitation = invitation_services.invitation_from_token(token)
    except invitation_services.InvalidInvitationToken as exc:
        raise Http404 from exc
    except invitation_services.UnusableInvitation as exc:
        with translation.override(language_of_link(request, exc.invitation.language)):
            return render(request, "invitations/unusable.html", {"reason": str(exc)}, status=410)
    with translation.override(language_of_link(request, invitation.language)):
        return _accept(request, token, invitation)


def _accept(request, token, invitation):
    existing = User.objects.filter(email__iexact=invitation.email).first()
    needs_password = existing is None or not existing.has_usable_password()
    name_form = DisplayNameForm(
        request.POST or None,
        initial={"display_name": (existing and existing.display_name) or invitation.name},
    )
    form = None
    if needs_password:
        probe = existing or User(email=invitation.email, display_name=invitation.name)
        form = SetPasswordForm(data=request.POST or None, user=probe)
    valid = name_form.is_valid() and (form is None or form.is_valid())
    if request.method == "POST" and valid:
        password = form.cleaned_data["password1"] if form is not None else None
        try:
            user = invitation_services.accept_invitation(
                token=token,
                password=password,
                display_name=name_form.cleaned_data["display_name"],
            )
        except DomainError as exc:
            return render(request, "invitations/unusable.html", {"reason": str(exc)}, status=410)
        return perform_login(
            request,
            user,
            email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
            redirect_url=landing_url(user),
        )
    return render(
        request,
        "invitations/accept.html",
        {"invitation": invitation, "form": form, "name_form": name_form, "existing": existing},
    )
