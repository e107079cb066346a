"""Cells people open in a spreadsheet. A cell that starts like a formula (``=``, ``+``, ``-``,
``@``, a tab or a carriage return) would be run by the spreadsheet: ``neutralise`` gives it a
leading apostrophe (OWASP's advice on CSV injection). It is the one place for that: every export
of the admin (``admin/exchange.NeutralisedExport``) and the follow-up pipeline's CSV of the
portal (``csv_text``) pass their cells through it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_neutralised(value: str) -> bool:
    return value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(value):
    """A cell a spreadsheet would run as a formula, made plain text. A text that already starts
    with apostrophes before such a character gets one more, so ``restore`` can tell the two
    apart and an export imported again gives back exactly what was exported."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or _looks_neutralised(value)):
        return "'" + value
    return value


def restore(value):
    """The text ``neutralise`` was given: an import reads back an export's cells with it, so a
    description that starts with "- " does not gain an apostrophe each round."""
    if isinstance(value, str) and _looks_neutralised(value):
        return value[1:]
    return value


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The whole file, every cell neutralised, dates and times in ISO format (times in the
    reader's time zone, to the minute, with its offset); a byte-order mark first, so spreadsheets
    read Chinese names as UTF-8."""

    def cell(value: Any):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return timezone.localtime(value).isoformat(timespec="minutes")
        if isinstance(value, date):
            return value.isoformat()
        return neutralise(str(value))

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return "\ufeff" + out.getvalue()
