"""Agreeing to be shown across the border (models/consent.py): the text of the current version,
in the person's language, recorded as it was shown."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
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
    shown = {"language": language, "text": consent_text(version, language)}
    consent, created = Consent.objects.select_for_update().get_or_create(
        user=user, version=version, defaults=shown
    )
    if not created and consent.withdrawn_at is not None:
        # Agreeing again after withdrawing: the text as shown now, from now on.
        for field, value in {**shown, "agreed_at": timezone.now(), "withdrawn_at": None}.items():
            setattr(consent, field, value)
        consent.save()
        created = True
    if created:
        log_action(
            actor=user,
            obj=user,
            action=LogAction.CONSENT,
            data={"version": version, "language": language},
        )
    user._has_consented = True
    return consent


@transaction.atomic
def withdraw_consent(*, user: User) -> Consent:
    """Withdraw the agreement to the current text: from now on the other side no longer sees
    the person's profile (nor their tandem's or institution's, which need all their people)."""
    consent = (
        Consent.objects.select_for_update()
        .filter(user=user, version=CURRENT_CONSENT_VERSION, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise DomainError(_("You have not agreed to be shown, so there is nothing to withdraw."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    log_action(
        actor=user,
        obj=user,
        action=LogAction.WITHDRAW_CONSENT,
        data={"version": consent.version},
    )
    user._has_consented = False
    return consent
