"""The portal's languages and the column of a translated field in each of them."""

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def localized(field: str) -> list[str]:
    """``summary`` → ``summary_en``, ``summary_de``, ``summary_zh_hans`` (English first)."""
    return [build_localized_fieldname(field, code) for code in LANGUAGE_CODES]
