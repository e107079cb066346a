"""Joining words the way the reader's language does: a leaf every layer may import."""

from collections.abc import Iterable

from django.utils.translation import pgettext


def listed(items: Iterable) -> str:
    """Names one after the other: "a, b" in English and German, "a、b" in Chinese."""
    return pgettext("between the names of a list", ", ").join(str(item) for item in items)
