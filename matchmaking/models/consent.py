"""Consent across the border (GDPR and China's PIPL): a person agrees, in their language, before
the profile of their tandem or institution is shown to the other side.

The texts are versioned constants, translated like every other text of the portal. A new text
is a new version (never an edited one): everybody is asked again, and until their owners agree
again the profiles are hidden. Each agreement is a ``Consent`` row holding the version, the
language and the text exactly as it was shown.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..enums import Language
from .choices import ChoiceLabels

CONSENT_TEXTS = {
    "2027-1": (
        _(
            "InnoHealth Matchmaking brings German tandems together with partner institutions in "
            "China. For that, the profile of your tandem or institution, with your role and "
            "position, is shown to the people of the other side of the same tour: in the "
            "European Union and in the People's Republic of China."
        ),
        _(
            "Showing your profile to the other side is a transfer of personal data across the "
            "border under the EU General Data Protection Regulation (GDPR) and China's Personal "
            "Information Protection Law (PIPL). The organisers of the tour are responsible for "
            "it. Your e-mail address is not shown to the other side."
        ),
        _(
            "Until you agree, your tandem's or institution's profile is hidden from the other "
            "side. You can download your data and ask for its deletion at any time on the page "
            "“My data”; deletion removes or anonymises your personal data on the "
            "portal."
        ),
    ),
}
CURRENT_CONSENT_VERSION = "2027-1"


def consent_text(version: str, language: str) -> str:
    """The text of a version as a reader of ``language`` sees it."""
    with translation.override(language):
        return "\n\n".join(str(paragraph) for paragraph in CONSENT_TEXTS[version])


class Consent(ChoiceLabels, models.Model):
    """A person agreed to the consent text of one version, as shown in one language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("person"),
    )
    version = models.CharField(_("version"), max_length=20)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    text = models.TextField(_("text as shown"))
    agreed_at = models.DateTimeField(_("agreed"), default=timezone.now)
    # Withdrawing is as easy as agreeing (GDPR art. 7(3), PIPL art. 15): the record stays, as
    # proof of what was agreed to until then.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-agreed_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_consent_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.language}, {self.agreed_at:%Y-%m-%d})"
