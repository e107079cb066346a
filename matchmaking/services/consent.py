"""Agreeing to be shown across the border (models/consent.py): the text of the current version,
in the person's language, recorded as it was shown."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..enums import Language, LogAction
from ..models import Consent, User
from ..models.consent import CURRENT_CONSENT_VERSION, consent_text
from .activity import log_action
from .errors import DomainError


@transaction.atomic
def give_consent(*, user: User, version: str, language: str) -> Consent:
    """Record that ``user`` agreed to the text of ``version`` shown in ``language``. The page
    names the version it showed: a text replaced meanwhile is not agreed to unseen. Agreeing
    twice to one version keeps the first record."""
    if version != CURRENT_CONSENT_VERSION:
        raise DomainError(_("The text has changed meanwhile. Please read it again."))
    if language not in Language.values:
        raise DomainError(_("Please choose one of the portal's languages."))
    consent, created = Consent.objects.get_or_create(
        user=user,
        version=version,
        defaults={"language": language, "text": consent_text(version, language)},
    )
    if created:
        log_action(
            actor=user,
            obj=user,
            action=LogAction.CONSENT,
            data={"version": version, "language": language},
        )
    user._has_consented = True
    return consent
