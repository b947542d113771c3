"""What one import file may hold, checked before the work it would cost is done (issue 11).

- An .xlsx is a zip: its directory says what each part unpacks to, so the workbook is judged by
  that — before anything is decompressed — against XLSX_MAX_UNCOMPRESSED_BYTES, and each large
  part's inflate ratio is capped like Apache POI's ZipSecureFile does (a "zip bomb": 778 KB
  unpacking to ten million shared strings). The unpacked size also decides whether a worker
  previews the file (jobs.py), since it, not the upload's size, is what parsing costs.
- Every file: at most CSV_MAX_COLUMNS header columns and CSV_MAX_ROWS rows.
"""

import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from builderops.csvio.errors import FileError
from builderops.csvio.reader import SAVE_AS_CSV, Table

ZIP_MAGIC = b"PK\x03\x04"
# Apache POI refuses parts that inflate more than 100 times (ZipSecureFile.MIN_INFLATE_RATIO 0.01);
# spreadsheet XML compresses 5 to 20 times. Small parts are left alone: their ratio says nothing.
MAX_INFLATE_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
NOT_A_WORKBOOK = "the file is a zip archive, not a CSV file or an Excel (.xlsx) workbook"


def zip_unpacked_size(source) -> int | None:
    """Return what the zip `source` (a path or an open binary file) unpacks to, from its
    directory alone; None if it isn't a zip. Raise FileError for a bomb or a damaged zip."""
    if not zip_magic(source):
        return None
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileError(
            "the file is a damaged or incomplete zip archive, so it can't be read as an Excel "
            "(.xlsx) workbook",
            "Open it in Excel and save it again, or save it as CSV: " + SAVE_AS_CSV,
        ) from exc
    for part in parts:
        if part.file_size > RATIO_CHECKED_ABOVE and (
            part.file_size > MAX_INFLATE_RATIO * max(part.compress_size, 1)
        ):
            raise FileError(
                f"the workbook's part {part.filename} unpacks to {filesizeformat(part.file_size)} "
                f"from {filesizeformat(part.compress_size)}: more than {MAX_INFLATE_RATIO} times "
                "its packed size, which a real spreadsheet never is, so it was refused unread",
                SAVE_AS_CSV,
            )
    return sum(part.file_size for part in parts)


def zip_magic(source) -> bool:
    if hasattr(source, "read"):
        source.seek(0)
        head = source.read(len(ZIP_MAGIC))
        source.seek(0)
        return head == ZIP_MAGIC
    with open(source, "rb") as handle:
        return handle.read(len(ZIP_MAGIC)) == ZIP_MAGIC


def xlsx_size_check(unpacked: int) -> None:
    """Refuse a workbook that unpacks to more than XLSX_MAX_UNCOMPRESSED_BYTES."""
    limit = settings.XLSX_MAX_UNCOMPRESSED_BYTES
    if unpacked > limit:
        raise FileError(
            f"the workbook unpacks to {filesizeformat(unpacked)}; the largest accepted is "
            f"{filesizeformat(limit)} unpacked",
            "Save it as CSV (a CSV file may be larger): " + SAVE_AS_CSV,
        )


def upload_work_size(upload) -> int:
    """Say how many bytes parsing `upload` reads: an .xlsx's unpacked size, else its size.

    Raise FileError for a workbook that is damaged, a bomb, or too large unpacked.
    """
    unpacked = zip_unpacked_size(upload)
    if unpacked is None:
        return upload.size
    xlsx_size_check(unpacked)
    return unpacked


def table_limited(table: Table) -> Table:
    """Refuse a header wider than CSV_MAX_COLUMNS; stop reading after CSV_MAX_ROWS rows."""
    max_columns = settings.CSV_MAX_COLUMNS
    if len(table.headers) > max_columns:
        table.close()
        raise FileError(
            f"the header has {len(table.headers):,} columns; a file may have at most "
            f"{max_columns:,}",
            "Keep only the template's columns (download the template to see them)",
            row=table.header_row,
        )
    table.rows = rows_capped(table.rows, settings.CSV_MAX_ROWS)
    return table


def rows_capped(rows, limit: int) -> Iterator[tuple[int, list[str]]]:
    """Yield `rows`, raising FileError at the first row past `limit`."""
    for count, (number, cells) in enumerate(rows, start=1):
        if count > limit:
            raise FileError(
                f"the file has more than {limit:,} rows, the most one import takes",
                "Split it into files of at most that many rows and import them one by one",
                row=number,
            )
        yield number, cells
