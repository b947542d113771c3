"""The streaming pass over a file, shared by preview (writer=None) and apply (a ChunkWriter).

Rows are read, validated and classified in chunks of CHUNK_ROWS: each chunk looks up its stored
records by external id in one query; parents come from one dict loaded up front. Errors, notices,
normalised cells and seen ids go to an on-disk Workspace, so memory holds one chunk, the parents
and a few samples.

Issue 12, item 2 — what only differs in form is accepted, and said: a cell whose parser returns
a value written differently (`oh` → `OH`, `yes` → `true`, `03/31/2026` → `2026-03-31`) is listed
as normalised (trimmed surrounding spaces and the export's own `'` formula escape are not: they
are not part of the value). A row shorter than the header is read with blank trailing cells when
all of them are optional (a notice per row); a row longer than the header only when its extra
cells are empty.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from builderops.core.review import ReviewState
from builderops.csvio.cells import formula_unescape
from builderops.csvio.errors import CellError, FileError, RowError
from builderops.csvio.headers import HeaderMap, headers_map
from builderops.csvio.limits import table_limited
from builderops.csvio.parents import ParentResolver
from builderops.csvio.reader import table_open
from builderops.csvio.rows import Row, rows_text
from builderops.csvio.spec import ImportSpec, cell_value
from builderops.csvio.workspace import Workspace

CHUNK_ROWS = 5000
SHOWN_ERRORS = 1000
SHOWN_NOTICES = 100
SHOWN_NORMALISED = 100
SAMPLES = 5
STATES = ("new", "updated", "unchanged")
# Template rows' external ids start with this, and no stored record's may (issue 12).
EXAMPLE_PREFIX = "EXAMPLE_"  # spec.example_id


@dataclass
class Outcome:
    """What a pass found: counts per outcome, samples, the first errors, notices and normalised
    cells, and which field each header fills."""

    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[dict]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    columns: list[dict] = field(default_factory=list)  # headers_map(…).mapping()
    notices: list[str] = field(default_factory=list)
    notice_count: int = 0
    normalised: list[dict] = field(default_factory=list)  # {"column", "before", "after", "rows"}
    normalised_count: int = 0
    errors_csv_rows: int = 0

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    @property
    def ignored(self) -> list[str]:
        """Name the headers whose values are deliberately not imported."""
        return [column["header"] for column in self.columns if column["status"] == "ignored"]


def plan_step(index: int, column, header: str) -> tuple:
    """Precompute what row_parse needs per column (it runs for every cell of the file)."""
    required_fix = ""
    if column.required:
        example = f", e.g. {column.example}" if column.example else ""
        required_fix = f"Enter the {column.described}{example}"
    return (
        index,
        column.parse,
        column.attr,
        header,
        required_fix,
        column.blank,
        "." in column.attr,
    )


def chunked(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class ImportPass:
    """Read `path` as `spec`'s kind; with a writer, write each valid chunk as it goes."""

    def __init__(
        self,
        *,
        spec: ImportSpec,
        path,
        user=None,
        approve: bool = False,
        writer=None,
        progress: Callable[[float, int], None] | None = None,
    ):
        self.spec, self.path, self.user, self.approve = spec, path, user, approve
        self.writer = writer
        self.progress = progress or (lambda fraction, rows: None)
        self.samples = {state: [] for state in STATES}
        self.parents: ParentResolver | None = None
        self.rows_seen = 0
        self.failed = False
        self.hmap = HeaderMap()

    def run(self, errors_csv=None) -> Outcome:
        """Make the pass; write errors.csv to the open text file `errors_csv` if given."""
        with Workspace() as self.ws:
            try:
                self.table_process()
            except FileError as exc:
                self.ws.errors_add([exc.error])
            outcome = self.outcome()
            if errors_csv is not None and outcome.error_count:
                from builderops.csvio.errors_csv import errors_csv_write

                outcome.errors_csv_rows = errors_csv_write(
                    path=self.path, workspace=self.ws, out=errors_csv
                )
        return outcome

    def table_process(self) -> None:
        with table_limited(table_open(self.path)) as table:
            self.ws.notices_add([(None, notice) for notice in table.notices])
            self.hmap = headers_map(self.spec, table.headers, table.header_row)
            if self.hmap.errors:
                self.ws.errors_add(self.hmap.errors)
                return
            if self.spec.parent and self.spec.parent.column in self.hmap.names:
                header = self.hmap.header_for(self.spec.parent.column)
                self.parents = ParentResolver(self.spec, header, self.approve)
            self.plan = [
                plan_step(index, column, header) for index, column, header in self.hmap.columns
            ]
            for chunk in chunked(table.rows, CHUNK_ROWS):
                self.chunk_process(chunk)
                self.progress(table.fraction(), self.rows_seen)
            if not self.rows_seen:
                raise FileError(
                    "the file has a header but no rows",
                    "Add one row per record under the header",
                )
        self.duplicates_check()

    def chunk_process(self, chunk: list[tuple[int, list[str]]]) -> None:
        rows = [self.row_parse(number, cells) for number, cells in chunk]
        keys = [row.key for row in rows if row.key is not None]
        stored = self.spec.existing_values(keys) if keys else {}
        for row in rows:
            if not row.errors:
                self.row_classify(row, stored.get(row.key))
        self.records_attach(rows)
        errors = [error for row in rows for error in row.errors]
        self.ws.errors_add(errors)
        self.ws.normalised_add([(r.number, *n) for r in rows for n in r.normalised])
        self.ws.notices_add([(r.number, notice) for r in rows for notice in r.notices])
        self.ws.seen_add([(r.key, r.number, r.state, r.to_draft) for r in rows])
        self.rows_seen += len(rows)
        # A repeated id fails the file (duplicates_check reports it at the end); writing would
        # only trip the unique constraint first.
        self.failed = self.failed or bool(errors) or len(set(keys)) < len(keys)
        self.samples_add(rows)  # before writing: samples describe the stored values as they were
        if self.writer is not None and not self.failed:
            self.writer.write(rows)

    def row_parse(self, number: int, cells: list[str]) -> Row:
        """Parse one row's cells into values, collecting every cell error."""
        row = Row(number, cells)
        if len(cells) != self.hmap.width and not self.width_fit(row):
            return row
        values, extra, cells = row.values, row.extra, row.cells
        for index, parse, attr, header, required_fix, blank, is_extra in self.plan:
            text = cells[index]
            if text[:1] == "'":
                text = formula_unescape(text)
            if not text:
                if required_fix:
                    row.error(header, "", "is required", required_fix)
                    continue
                value = blank
            else:
                try:
                    value = parse(text)
                except CellError as exc:
                    row.error(header, text, exc.message, exc.fix)
                    continue
                if value is not text and cell_value(value) != text:
                    row.normalised.append((header, text, cell_value(value)))
            if is_extra:
                extra[attr] = value
            else:
                values[attr] = value
        row.key = row.values.get("external_id")
        example = self.example_check(row)
        self.spec.row_extra(row, self.hmap)
        if self.parents is not None and not example:  # its example parent is unknown too
            self.parents.resolve(row)
        return row

    def width_fit(self, row: Row) -> bool:
        """Fit a row to the header's width, or put an error on it; say whether it fits."""
        width, cells = self.hmap.width, row.cells
        if len(cells) > width:
            extra = next((i for i in range(width, len(cells)) if cells[i]), None)
            if extra is None:
                return True  # trailing delimiters: the extra cells are empty
            row.error(
                f"{extra + 1} (no header)",
                cells[extra],
                f"has {len(cells)} values but the header has {width} columns",
                "Quote values that contain the delimiter or a line break, and give the row "
                "one value per column",
            )
            return False
        missing = [(c, h) for i, c, h in self.hmap.columns if i >= len(cells)]
        required = [header for column, header in missing if column.required]
        if required:
            row.error(
                required[0],
                "",
                f"is missing{also_missing(required[1:])}: the row stops after {len(cells)} of "
                f"the header's {width} columns",
                "Give the row one value per column; quote values that contain the delimiter or "
                "a line break",
            )
            return False
        row.cells = cells + [""] * (width - len(cells))
        if missing:  # when only ignored columns are missing, nothing is read from them anyway
            row.notices.append(short_row_notice(row.number, len(cells), width, missing))
        return True

    def example_check(self, row: Row) -> bool:
        """Refuse the template's example row (uploaded unchanged it must not become a record);
        return whether the row is one."""
        example = bool(row.key) and row.key.startswith(EXAMPLE_PREFIX)
        if example:
            noun = self.spec.model._meta.verbose_name
            row.error(
                self.hmap.header_for(self.spec.key_column),
                row.key,
                f"is the template's example row, not a real {noun} (external IDs starting "
                f"{EXAMPLE_PREFIX} are reserved for examples)",
                f"Delete the example row, or replace it with a real {noun}",
            )
        return example

    def row_classify(self, row: Row, stored: dict | None) -> None:
        """Decide new / updated / unchanged from the record's stored values (existing_values)
        and check approving is allowed."""
        if stored is None:
            row.state = "new"
        else:
            approved = stored["review_state"] == ReviewState.APPROVED
            row.changed = self.spec.changes(stored, row)
            if self.approve and not approved:
                row.changed.append("review_state")
            row.state = "updated" if row.changed else "unchanged"
            # Issue 12: unticked "approve on import" leaves every change a draft, approvers' too.
            row.to_draft = row.state == "updated" and approved and not self.approve
        if self.parents is not None:
            self.parents.check(row)

    def records_attach(self, rows: list[Row]) -> None:
        """Load the stored records of the updated rows only: the writer and the samples need
        them, the unchanged ones (most of a re-import) don't (issue 12, item 4)."""
        keys = [row.key for row in rows if row.state == "updated"]
        records = self.spec.existing_load(keys) if keys else {}
        for row in rows:
            if row.state == "updated":
                row.obj = records[row.key]

    def samples_add(self, rows: list[Row]) -> None:
        for row in rows:
            bucket = self.samples.get(row.state)
            if bucket is not None and len(bucket) < SAMPLES and not row.errors:
                bucket.append(self.spec_sample(row))

    def spec_sample(self, row: Row) -> dict:
        from builderops.csvio.samples import sample_describe

        return sample_describe(self.spec, self.hmap, row)

    def duplicates_check(self) -> None:
        """Put an error on every row whose external id another row uses too (issue 6)."""
        header = self.hmap.header_for(self.spec.key_column)
        batch = []
        for key, numbers in self.ws.duplicates():
            for number in numbers:
                others = rows_text([n for n in numbers if n != number])
                batch.append(
                    RowError(
                        number,
                        header,
                        key,
                        f"is also the external ID in {others}",
                        "Give each row its own external ID, or merge the rows into one",
                    )
                )
            if len(batch) >= CHUNK_ROWS:
                self.ws.errors_add(batch)
                batch = []
        self.ws.errors_add(batch)

    def outcome(self) -> Outcome:
        counts = self.ws.counts()
        counts["rows"] = self.rows_seen
        listed = [s["row"] for bucket in self.samples.values() for s in bucket]
        invalid = self.ws.invalid_among(listed)
        samples = {
            state: [s for s in bucket if s["row"] not in invalid]
            for state, bucket in self.samples.items()
        }
        return Outcome(
            counts=counts,
            samples=samples,
            errors=self.ws.errors(SHOWN_ERRORS),
            error_count=self.ws.error_count(),
            columns=self.hmap.mapping(),
            notices=self.ws.notices(SHOWN_NOTICES),
            notice_count=self.ws.notice_count(),
            normalised=self.ws.normalised_groups(SHOWN_NORMALISED),
            normalised_count=self.ws.normalised_count(),
        )


def also_missing(headers: list[str]) -> str:
    """Say `, and so is X` or `, and so are X and Y` (nothing for no headers)."""
    if not headers:
        return ""
    if len(headers) == 1:
        return f", and so is {headers[0]}"
    return f", and so are {', '.join(headers[:-1])} and {headers[-1]}"


def short_row_notice(number: int, count: int, width: int, missing: list) -> str:
    """Say that a short row's missing trailing cells were read as blank, naming them."""
    headers = [header for _, header in missing]
    named = headers[0] if len(headers) == 1 else f"{headers[0]} … {headers[-1]}"
    return (
        f"Row {number} stops after {count} of the header's {width} columns: its last "
        f"{width - count} (optional: {named}) were read as blank."
    )
