"""Reading the organisers' CSV and Excel (.xlsx) files within bounds: row by row, given up at the
first bound a file passes, so a huge or hostile file costs a bounded amount of time and memory
(docs/operations.md). The invitation import and the data imports of the admin read through here.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import DomainError

IMPORT_MAX_COLUMNS = 20
# openpyxl reads an .xlsx's shared strings and styles whole, only the sheet itself row by row.
IMPORT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024
SHEET_HEAD_BYTES = 64 * 1024


def iter_rows(
    filename: str,
    content: bytes,
    *,
    max_columns: int = IMPORT_MAX_COLUMNS,
    max_rows: int | None = None,
) -> Iterator[list[str]]:
    """The file's rows, one at a time, at most ``max_columns`` cells each; an .xlsx is read up
    to ``max_rows`` + 1 rows (default ``INVITATION_IMPORT_MAX_ROWS``), so the caller sees that
    there are more."""
    if filename.lower().endswith(".xlsx"):
        yield from _iter_xlsx_rows(
            content, max_columns, max_rows or settings.INVITATION_IMPORT_MAX_ROWS
        )
    else:
        yield from _iter_csv_rows(content, max_columns)


def _iter_xlsx_rows(content: bytes, max_columns: int, max_rows: int) -> Iterator[list[str]]:
    import openpyxl

    try:
        _check_xlsx_bounds(content)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            # max_row: a sheet may state a smaller size than it has, or a huge one.
            rows = book.active.iter_rows(
                values_only=True, max_col=max_columns, max_row=max_rows + 1
            )
            for row in rows:
                yield ["" if cell is None else str(cell) for cell in row]
        finally:
            book.close()
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds for a bad file
        raise DomainError(_("This is not a readable Excel (.xlsx) file.")) from exc


def _check_xlsx_bounds(content: bytes) -> None:
    """Refuse what openpyxl would read whole before the first row: more shared text and styles
    than ``IMPORT_MAX_UNPACKED_BYTES``, or a sheet without its size at the top (openpyxl then
    reads the whole sheet to find it)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [
            m for m in archive.infolist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", m.filename)
        ]
        if sum(m.file_size for m in archive.infolist() if m not in sheets) > (
            IMPORT_MAX_UNPACKED_BYTES
        ):
            raise DomainError(_("This Excel file holds too much text: please split it."))
        for sheet in sheets:
            with archive.open(sheet) as stream:
                head = stream.read(SHEET_HEAD_BYTES)
            data = head.find(b"sheetData")
            if b"dimension" not in (head if data < 0 else head[:data]):
                raise DomainError(
                    _(
                        "This Excel file does not state the size of its sheet. Please open it "
                        "in Excel or LibreOffice and save it again."
                    )
                )


def _iter_csv_rows(content: bytes, max_columns: int) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(_("The CSV file must be encoded as UTF-8.")) from exc
    dialect = csv.excel
    with contextlib.suppress(csv.Error):  # no clear delimiter: plain comma-separated
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            yield row[:max_columns]
    except csv.Error as exc:
        if "field limit" in str(exc):  # a cell over the csv module's size limit
            raise DomainError(
                _("Row %(line)d: a cell is longer than %(limit)d characters.")
                % {"line": reader.line_num, "limit": csv.field_size_limit()}
            ) from exc
        raise DomainError(
            _("Row %(line)d: this is not a readable CSV file.") % {"line": reader.line_num}
        ) from exc


def bounded_rows(
    filename: str, content: bytes, *, max_columns: int = IMPORT_MAX_COLUMNS
) -> Iterator[tuple[int, list[str]]]:
    """Each row with its line in the file, until the file passes ``INVITATION_IMPORT_MAX_ROWS``
    rows or ``INVITATION_IMPORT_MAX_SECONDS`` of reading: then a DomainError naming the row."""
    max_rows = settings.INVITATION_IMPORT_MAX_ROWS
    deadline = time.monotonic() + settings.INVITATION_IMPORT_MAX_SECONDS
    rows_read = iter_rows(filename, content, max_columns=max_columns, max_rows=max_rows)
    for line, cells in enumerate(rows_read, start=1):
        if line > max_rows:
            raise DomainError(
                _(
                    "Row %(line)d: the file has more than %(limit)d rows. "
                    "Please import at most %(limit)d rows at a time."
                )
                % {"line": line, "limit": max_rows}
            )
        if time.monotonic() > deadline:
            raise DomainError(
                _(
                    "Row %(line)d: reading the file took longer than %(seconds)d seconds. "
                    "Please split it into smaller files."
                )
                % {"line": line, "seconds": settings.INVITATION_IMPORT_MAX_SECONDS}
            )
        yield line, cells


def read_table(
    filename: str, content: bytes, *, max_columns: int, max_cell_length: int
) -> tuple[int, list[str], list[list[str]]]:
    """The line of the header, the header and the rows below it, whole, or a DomainError naming the first bound it
    passes: ``INVITATION_IMPORT_MAX_ROWS`` rows, ``INVITATION_IMPORT_MAX_SECONDS`` of reading,
    a cell longer than ``max_cell_length`` or more than ``INVITATION_IMPORT_MAX_BYTES`` of text
    in all (an .xlsx packs much more text than its size). Blank rows above the header are left
    out, those below kept (so a row's place in the file is its line); a NUL character (which
    the database cannot store) is refused."""
    max_text = settings.INVITATION_IMPORT_MAX_BYTES
    header_line, header, rows, text = 0, None, [], 0
    for line, cells in bounded_rows(filename, content, max_columns=max_columns):
        if any(len(cell) > max_cell_length for cell in cells):
            raise DomainError(
                _("Row %(line)d: a cell is longer than %(limit)d characters.")
                % {"line": line, "limit": max_cell_length}
            )
        text += sum(len(cell) for cell in cells)
        if text > max_text:
            raise DomainError(
                _("Row %(line)d: the file holds more than %(limit)s of text. Please split it.")
                % {"line": line, "limit": filesizeformat(max_text)}
            )
        if any("\x00" in cell for cell in cells):
            raise DomainError(
                _("Row %(line)d: a cell contains a character that is not allowed.") % {"line": line}
            )
        if header is None:
            if any(cell.strip() for cell in cells):
                header_line, header = line, [cell.strip() for cell in cells]
            continue
        rows.append([cell.strip() for cell in cells])
    if header is None:
        raise DomainError(_("The file is empty."))
    return header_line, header, rows
