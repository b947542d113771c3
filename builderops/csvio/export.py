"""Export records as the CSV the import reads back, escaped against formula injection.

Exported files start with a UTF-8 BOM so Excel opens them as UTF-8; every cell a spreadsheet
would run as a formula gets a leading `'` (cells.formula_escape), which the import strips again.
"""

import csv
from collections.abc import Iterator

from builderops.csvio.cells import formula_escape
from builderops.csvio.spec import ImportSpec

BOM = "\ufeff"
EXPORT_CHUNK = 2000


class Echo:
    """A file-like object whose write returns what it was given (for streaming csv rows)."""

    def write(self, value: str) -> str:
        return value


def csv_export_lines(*, spec: ImportSpec, queryset) -> Iterator[str]:
    """Yield the export of `queryset` line by line: BOM + header, then one line per record."""
    writer = csv.writer(Echo())
    headers = spec.export_headers(queryset)
    yield BOM + writer.writerow(headers)
    for obj in spec.export_queryset(queryset).iterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow([formula_escape(cell) for cell in spec.export_row(obj, headers)])


def csv_template_text(*, spec: ImportSpec) -> str:
    """Return the template for `spec`: the header and one example row."""
    writer = csv.writer(Echo())
    lines = [writer.writerow(spec.template_headers())]
    lines += [writer.writerow(row) for row in spec.template_rows()]
    return BOM + "".join(lines)
