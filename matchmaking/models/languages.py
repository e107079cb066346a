"""The portal's languages and the column of a translated field in each of them."""

from django.conf import settings
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def localized(field: str) -> list[str]:
    """``summary`` → ``summary_en``, ``summary_de``, ``summary_zh_hans`` (English first)."""
    return [build_localized_fieldname(field, code) for code in LANGUAGE_CODES]


def as_read(field: str, prefix: str = "") -> Coalesce:
    """A translated field as reading it on a model gives it (modeltranslation): the reader's
    language, else English, else empty. For ``values()`` of long lists, which would otherwise
    build a model (with every language's columns) per row; ``prefix`` reaches across a relation
    (``"topic__"``)."""
    language = get_language()
    code = language if language in LANGUAGE_CODES else LANGUAGE_CODES[0]
    own, english = (
        F(prefix + build_localized_fieldname(field, c)) for c in (code, LANGUAGE_CODES[0])
    )
    return Coalesce(
        NullIf(own, Value("")), NullIf(english, Value("")), Value(""), output_field=TextField()
    )
