"""Profiles written in several languages: which version a viewer sees first."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The field suffix of each language version; English has none and is the fallback.
VERSIONS = [("en", "", _("English")), ("zh-hans", "_zh", _("Chinese")), ("de", "_de", _("German"))]


@dataclass(frozen=True)
class Version:
    language: str
    label: str
    text: str


def localized_versions(obj, field: str, language: str) -> tuple[Version | None, list[Version]]:
    """The version in ``language`` (or English, or whatever exists) and the remaining ones."""
    versions = [
        Version(code, str(label), getattr(obj, field + suffix, "") or "")
        for code, suffix, label in VERSIONS
    ]
    versions = [v for v in versions if v.text.strip()]
    if not versions:
        return None, []
    shown = next((v for v in versions if v.language == language), versions[0])
    return shown, [v for v in versions if v is not shown]
