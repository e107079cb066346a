"""Search that finds what people see: an institution by any of its names, its topics and its
place in any language, whatever the case, accents and spaces of what was typed.

The searched words of each institution are kept, normalised, in one column (``search_text``), so
a search is one ``contains`` on it for each word typed (every word must be found) — the same on
PostgreSQL and SQLite, one query however many institutions and topics there are."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .languages import localized

# Institution fields searched, in every language.
SEARCHED_FIELDS = ("name", "city", "province", "description")


def normalise(text: str) -> str:
    """Lower case, without accents (``é`` → ``e``), width forms or spaces (``infer vision`` →
    ``infervision``): a typed query and the stored text are compared in this form."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if not unicodedata.combining(c) and not c.isspace())
    return "".join(kept).casefold()


def search_text_of(institution, topics: Iterable) -> str:
    """Every language version of the searched fields and the topics, one word each: joined by
    a space, which no normalised query contains, so a hit never spans two of them."""
    values = [
        getattr(institution, name) or "" for field in SEARCHED_FIELDS for name in localized(field)
    ]
    values += [getattr(topic, name) or "" for topic in topics for name in localized("name")]
    return " ".join(dict.fromkeys(n for n in map(normalise, values) if n))
