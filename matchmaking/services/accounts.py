"""Accounts as organisers handle them. Nobody sets another person's password: an organiser
sends allauth's password-reset e-mail and the owner chooses the new password."""

from __future__ import annotations

from allauth.account.forms import ResetPasswordForm
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from ..enums import LogAction
from ..models import User
from ..permissions import is_organiser
from .activity import log_action
from .errors import DomainError


def send_password_reset(*, actor: User, account: User, request: HttpRequest) -> None:
    """E-mail ``account``'s owner a link to choose a new password (allauth builds the link from
    ``request``), and record who asked for it."""
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))
    if not account.is_active:
        raise DomainError(_("This account is deactivated."))
    form = ResetPasswordForm(data={"email": account.email})
    if not form.is_valid() or not form.users:
        raise DomainError(_("This account has no e-mail address a reset link could go to."))
    with translation.override(account.language):
        form.save(request)
    log_action(actor=actor, obj=account, action=LogAction.PASSWORD_RESET_SENT)
