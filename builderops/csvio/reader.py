"""Open an uploaded file as a header plus a stream of trimmed rows, whatever its formatting.

Accepted (issue 6, "Format"): UTF-8 with or without BOM, CRLF or LF, comma / semicolon / tab
sniffed from the header line, Excel quoting, surrounding whitespace, blank lines anywhere, and
.xlsx workbooks (first sheet, read-only streaming). Issue 12: text that isn't UTF-8 is read as
Windows-1252 (a superset of Latin-1, what Excel's plain “CSV” writes) when it decodes cleanly
and holds no UTF-8 sequence (a file mixing both is refused), with a notice naming the encoding.
Everything else gets a FileError that says what the file is and how to save it properly.
"""

import codecs
import csv
import io
import itertools
import re
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
FALLBACK_ENCODING = "cp1252"
# A UTF-8 multi-byte sequence: in a file that isn't UTF-8 it means two encodings are mixed.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
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
    notices: list[str] = field(default_factory=list)

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
    encoding, notices = encoding_detect(path)
    raw = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    size = max(Path(path).stat().st_size, 1)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    source = CsvSource(path=path, encoding=encoding, delimiter=delimiter_sniff(head))
    reader = csv.reader(text, delimiter=source.delimiter, strict=True, skipinitialspace=True)
    records = csv_records(reader, source)
    try:
        header_row, source.headers = header_find(records)
    except BaseException:
        raw.close()
        raise
    return Table(
        headers=source.headers,
        rows=data_rows(records),
        header_row=header_row,
        fraction=lambda: min(raw.tell() / size, 1.0) if not raw.closed else 1.0,
        closer=raw.close,
        notices=notices,
    )


@dataclass
class CsvSource:
    """How a CSV file is read, kept to find the column of an over-long value afterwards."""

    path: str | Path
    encoding: str
    delimiter: str
    headers: list[str] = field(default_factory=list)

    def overflow_header(self, after_line: int) -> str:
        """Name the column whose value exceeds the csv field limit in the record that starts
        after physical line `after_line` ("" if it can't be told)."""
        with open(self.path, encoding=self.encoding, newline="") as text:
            for _ in itertools.islice(text, after_line):
                pass
            chars = itertools.chain.from_iterable(text)
            index = overflow_index(chars, self.delimiter, csv.field_size_limit())
        if index is None or index >= len(self.headers):
            return ""
        return self.headers[index]


def overflow_index(chars, delimiter: str, limit: int) -> int | None:
    """Return the index of the first field longer than `limit` in one record of `chars`.

    A quote toggles quoting (a doubled quote toggles twice), which is all counting needs.
    """
    index = length = 0
    quoted = False
    for char in chars:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == delimiter:
            index, length = index + 1, 0
        elif not quoted and char in "\r\n":
            return None
        else:
            length += 1
            if length > limit:
                return index
    return None


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


def csv_records(reader, source: CsvSource) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, trimmed cells) for every record, translating read errors."""
    number = line = 0
    try:
        for number, record in enumerate(reader, start=1):
            line = reader.line_num
            yield number, [cell.strip() for cell in record]
    except UnicodeDecodeError:
        raise utf8_error(source.path) from None
    except csv.Error as exc:
        raise csv_error(exc, number + 1, source, line) from None


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


def csv_error(exc: csv.Error, row: int, source: CsvSource, after_line: int) -> FileError:
    """Explain a csv module error in words, at the row (and column) where reading stopped."""
    text = str(exc)
    if "field larger than field limit" in text:
        limit = csv.field_size_limit()
        column = source.overflow_header(after_line)
        return FileError(
            f"{'the' if column else 'a'} value is longer than {limit:,} characters, far more "
            "than any column takes",
            "Check this row for a missing closing quote or pasted content, and shorten the value",
            row=row,
            column=column,
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


def encoding_detect(path) -> tuple[str, list[str]]:
    """Return the encoding to read `path` with and the notices that go with it.

    UTF-8 when the whole file is (one fast pass before any row is read); else Windows-1252 when
    that decodes cleanly and the file holds no UTF-8 sequence; else raise FileError.
    """
    if text_decodes(path, "utf-8"):
        return "utf-8-sig", []
    if not text_decodes(path, FALLBACK_ENCODING) or utf8_sequence_found(path):
        raise utf8_error(path)
    number, byte = first_non_utf8(path)
    example = bytes([byte]).decode(FALLBACK_ENCODING) if byte is not None else ""
    return FALLBACK_ENCODING, [
        "The file isn't UTF-8 text, so it was read as Windows-1252 (what Excel's plain “CSV” "
        f"writes): line {number} has “{example}”, for example. If a letter looks wrong in the "
        "values below, save the file as “CSV UTF-8” and upload it again."
    ]


def text_decodes(path, encoding: str) -> bool:
    """Say whether the whole file decodes strictly as `encoding`."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as raw:
        try:
            while chunk := raw.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def utf8_sequence_found(path) -> bool:
    with open(path, "rb") as raw:
        return any(UTF8_SEQUENCE.search(chunk) for chunk in iter(lambda: raw.read(1 << 20), b""))


def first_non_utf8(path) -> tuple[int, int | None]:
    """Return the number of the first line that isn't UTF-8 and its first offending byte."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, line[exc.start]
    return 1, None


def utf8_error(path) -> FileError:
    """Name the first line that isn't UTF-8 and its offending byte."""
    number, byte = first_non_utf8(path)
    if byte is None:
        return FileError("the file isn't UTF-8 text", SAVE_AS_CSV)
    example = bytes([byte]).decode(FALLBACK_ENCODING, errors="replace")
    return FileError(
        f"the file isn't UTF-8 text: line {number} has the byte 0x{byte:02X} "
        f"(“{example}” in Windows-1252)",
        SAVE_AS_CSV,
    )


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
