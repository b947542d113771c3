"""Read the first sheet of an .xlsx workbook as a Table, streaming (openpyxl read-only mode).

Issue 11: the zip's directory is checked first (builderops/csvio/limits.py: unpacked size,
inflate ratio), openpyxl parses with defusedxml (installed, so entity declarations are refused),
and every way a workbook can fail to parse — a truncated zip, a bad CRC, XML entities,
malformed XML or shared strings — becomes a FileError naming the row reached, never a crash.
"""

import zipfile
import zlib
from pathlib import Path

from django.conf import settings

from builderops.csvio.errors import FileError
from builderops.csvio.limits import NOT_A_WORKBOOK, xlsx_size_check, zip_unpacked_size
from builderops.csvio.reader import SAVE_AS_CSV, Table, cell_text, data_rows, header_find

# SyntaxError covers xml.etree's ParseError; defusedxml's refusals are ValueErrors; a damaged
# part surfaces as BadZipFile (bad CRC), zlib.error or EOFError; malformed parts as the rest.
PARSE_ERRORS = (
    SyntaxError,
    ValueError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
)
DAMAGED = "the workbook is damaged or holds content Excel doesn't write ({what})"
DAMAGED_FIX = "Open it in Excel and save it again, or save it as CSV: " + SAVE_AS_CSV


def xlsx_damaged(exc: BaseException, row: int | None = None) -> FileError:
    """Say in words what kind of damage stopped the read (the row reached, if any)."""
    return FileError(DAMAGED.format(what=damage_described(exc)), DAMAGED_FIX, row=row)


def damage_described(exc: BaseException) -> str:
    """Name the damage, looking through openpyxl's wrapping ValueError to its cause."""
    causes = []
    while exc is not None and len(causes) < 5:
        causes.append(exc)
        exc = exc.__cause__ or exc.__context__
    for cause in causes:
        if type(cause).__name__ in ("EntitiesForbidden", "DTDForbidden"):
            return "XML entity or DTD declarations, refused for safety"
        if isinstance(cause, SyntaxError):
            return "malformed XML"
        if isinstance(cause, zipfile.BadZipFile | zlib.error | EOFError):
            return "a corrupted part"
    return f"content that can't be read: {type(causes[0]).__name__}"


def xlsx_table_open(path: str | Path) -> Table:
    """Open an .xlsx workbook's first sheet; refuse other zip files with a clear message."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    xlsx_size_check(zip_unpacked_size(path))  # before anything is decompressed
    raw = open(path, "rb")  # noqa: SIM115 - a file object: openpyxl then ignores the extension
    try:
        workbook = load_workbook(raw, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError) as exc:
        raw.close()
        raise FileError(NOT_A_WORKBOOK, SAVE_AS_CSV) from exc
    except PARSE_ERRORS as exc:
        raw.close()
        raise xlsx_damaged(exc) from exc
    sheet = workbook.worksheets[0]
    total = sheet.max_row or 0
    # openpyxl pads each row to the sheet's declared width: no wider than a file may be.
    widest = settings.CSV_MAX_COLUMNS + 1
    max_col = min(sheet.max_column or widest, widest)
    state = {"row": 0}

    def records():
        try:
            rows = sheet.iter_rows(values_only=True, max_col=max_col)
            for number, values in enumerate(rows, start=1):
                state["row"] = number
                yield number, [cell_text(value) for value in values]
        except PARSE_ERRORS as exc:
            raise xlsx_damaged(exc, row=state["row"] + 1) from exc

    stream = records()
    try:
        header_row, headers = header_find(stream)
    except BaseException:
        workbook.close()
        raw.close()
        raise
    while headers and not headers[-1]:
        headers.pop()  # openpyxl pads rows to the sheet's width
    width = len(headers)

    def padded():
        # A sheet has no ragged rows: cells missing at a row's end are empty ones.
        for number, cells in data_rows(stream):
            yield number, cells + [""] * (width - len(cells))

    return Table(
        headers=headers,
        rows=padded(),
        header_row=header_row,
        fraction=lambda: min(state["row"] / total, 1.0) if total else 0.0,
        closer=lambda: (workbook.close(), raw.close()),
    )
