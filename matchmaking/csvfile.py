"""CSV files people open in a spreadsheet. A cell that starts like a formula (``=``, ``+``,
``-``, ``@``, a tab or a carriage return) would be run by the spreadsheet: every such cell is
neutralised here, in one place, with a leading apostrophe (OWASP's advice on CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The whole file; a byte-order mark first, so spreadsheets read Chinese names as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return "\ufeff" + out.getvalue()
