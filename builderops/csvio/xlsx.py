"""Read the first sheet of an .xlsx workbook as a Table, streaming (openpyxl read-only mode)."""

import zipfile
from pathlib import Path

from builderops.csvio.errors import FileError
from builderops.csvio.reader import SAVE_AS_CSV, Table, cell_text, data_rows, header_find


def xlsx_table_open(path: str | Path) -> Table:
    """Open an .xlsx workbook's first sheet; refuse other zip files with a clear message."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    raw = open(path, "rb")  # noqa: SIM115 - a file object: openpyxl then ignores the extension
    try:
        workbook = load_workbook(raw, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raw.close()
        raise FileError(
            "the file is a zip archive, not a CSV file or an Excel (.xlsx) workbook", SAVE_AS_CSV
        ) from exc
    sheet = workbook.worksheets[0]
    total = sheet.max_row or 0
    state = {"row": 0}

    def records():
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            state["row"] = number
            yield number, [cell_text(value) for value in values]

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
