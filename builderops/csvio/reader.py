"""Open an uploaded file as a header plus a stream of trimmed rows, whatever its formatting.

Accepted (issue 6, "Format"): UTF-8 with or without BOM, CRLF or LF, comma / semicolon / tab
sniffed from the header line, Excel quoting, surrounding whitespace, blank lines anywhere, and
.xlsx workbooks (first sheet, read-only streaming). Everything else gets a FileError that says
what the file is and how to save it properly.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from builderops.csvio.errors import FileError

HEAD_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel (.xls) or Office file"),
)
SAVE_AS_CSV = (
    "In Excel choose File > Save As > “CSV UTF-8 (Comma delimited) (*.csv)”, "
    "or download the template and paste your rows into it"
)


@dataclass
class Table:
    """A file's header and a stream of (row number, trimmed cells); `fraction()` = progress."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    header_row: int = 1
    fraction: callable = field(default=lambda: 0.0)
    closer: callable = field(default=lambda: None)

    def close(self) -> None:
        self.closer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def table_open(path: str | Path) -> Table:
    """Open `path` as a Table, or raise FileError saying why it can't be read."""
    with open(path, "rb") as probe:
        head = probe.read(HEAD_BYTES)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise FileError(
            "the file is empty",
            "Upload a file with a header row and one row per record; the template shows the "
            "columns",
        )
    if head.startswith(ZIP_MAGIC):
        from builderops.csvio.xlsx import xlsx_table_open

        return xlsx_table_open(path)
    binary_check(head)
    return csv_table_open(path, head)


def binary_check(head: bytes) -> None:
    """Refuse UTF-16 text and binary files with a message naming what the file is."""
    if head.startswith(UTF16_BOMS):
        raise FileError(
            "the file is UTF-16 text (Excel's “Unicode Text”), not UTF-8 CSV", SAVE_AS_CSV
        )
    for magic, what in BINARY_MAGIC:
        if head.startswith(magic):
            raise FileError(f"the file is {what}, not a CSV file", SAVE_AS_CSV)
    if b"\x00" in head:
        raise FileError("the file is binary, not a CSV text file", SAVE_AS_CSV)


def csv_table_open(path: str | Path, head: bytes) -> Table:
    """Stream a CSV file: sniff the delimiter, then yield trimmed rows after the header."""
    utf8_check(path)
    raw = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    size = max(Path(path).stat().st_size, 1)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter_sniff(head), strict=True, skipinitialspace=True)
    records = csv_records(reader, path)
    try:
        header_row, headers = header_find(records)
    except BaseException:
        raw.close()
        raise
    return Table(
        headers=headers,
        rows=data_rows(records),
        header_row=header_row,
        fraction=lambda: min(raw.tell() / size, 1.0) if not raw.closed else 1.0,
        closer=raw.close,
    )


def delimiter_sniff(head: bytes) -> str:
    """Pick the delimiter that occurs most often outside quotes in the header line."""
    line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_records(reader, path) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, trimmed cells) for every record, translating read errors."""
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in record]
    except UnicodeDecodeError:
        raise utf8_error(path) from None
    except csv.Error as exc:
        raise csv_error(exc, number + 1) from None


def header_find(records) -> tuple[int, list[str]]:
    """Return the first non-blank record as the header."""
    for number, cells in records:
        if any(cells):
            return number, cells
    raise FileError(
        "the file has no header row", "Put the column names in the first row (see the template)"
    )


def data_rows(records) -> Iterator[tuple[int, list[str]]]:
    """Yield the records after the header, skipping blank ones (their numbers still count)."""
    for number, cells in records:
        if any(cells):
            yield number, cells


def csv_error(exc: csv.Error, row: int) -> FileError:
    """Explain a csv module error in words, at the row where reading stopped."""
    text = str(exc)
    if "field larger than field limit" in text:
        limit = csv.field_size_limit()
        return FileError(
            f"a value is longer than {limit:,} characters, far more than any column takes",
            "Check this row for a missing closing quote or pasted content, and shorten the value",
            row=row,
        )
    if "unexpected end of data" in text:
        return FileError(
            "a quoted value is never closed: the file ends inside quotes",
            'Add the missing closing quote (") to the value that starts in this row',
            row=row,
        )
    return FileError(
        f"the row can't be read as CSV ({text})",
        'Inside a quoted value write a quote as two quotes (""), and quote values that '
        "contain the delimiter",
        row=row,
    )


def utf8_check(path) -> None:
    """Raise FileError unless the whole file is UTF-8 (one fast pass before any row is read)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as raw:
        try:
            while chunk := raw.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise utf8_error(path) from None


def utf8_error(path) -> FileError:
    """Find the first line that isn't UTF-8 and name its offending byte."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = line[exc.start]
                guess = bytes([byte]).decode("cp1252", errors="replace")
                return FileError(
                    f"the file isn't UTF-8 text: line {number} has the byte 0x{byte:02X} "
                    f"(“{guess}” in Windows-1252)",
                    SAVE_AS_CSV,
                )
    return FileError("the file isn't UTF-8 text", SAVE_AS_CSV)


def cell_text(value) -> str:
    """Turn a spreadsheet cell's value into the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
