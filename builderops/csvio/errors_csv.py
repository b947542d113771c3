"""errors.csv: the rows that need fixing, exactly as uploaded, with what is wrong in front.

Decided here: the `errors` column comes first, so it is the first thing seen in a spreadsheet and
rows with a wrong number of values can't push it out of line. The importer ignores that column
(headers.py), so a fixed errors.csv can be uploaded as it is.
"""

import csv

from builderops.csvio.cells import formula_escape
from builderops.csvio.errors import FileError
from builderops.csvio.reader import table_open
from builderops.csvio.workspace import Workspace


def errors_csv_write(*, path, workspace: Workspace, out) -> int:
    """Write the bad rows of `path` with an errors column to text file `out`; return the count."""
    writer = csv.writer(out)
    bad = workspace.errors_by_row()
    pending = next(bad, None)
    written = 0
    try:
        with table_open(path) as table:
            writer.writerow(["errors", *map(formula_escape, table.headers)])
            for number, cells in table.rows:
                while pending is not None and pending[0] < number:
                    pending = next(bad, None)
                if pending is None:
                    break
                if pending[0] == number:
                    text = "\n".join(error.line() for error in pending[1])
                    writer.writerow([formula_escape(text), *map(formula_escape, cells)])
                    written += 1
    except FileError:
        pass  # the file stops being readable here; the preview already says where and why
    return written
