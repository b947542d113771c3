"""The streaming pass over a file, shared by preview (writer=None) and apply (a ChunkWriter).

Rows are read, validated and classified in chunks of CHUNK_ROWS: each chunk looks up its stored
records by external id in one query; parents come from one dict loaded up front. Errors and seen
ids go to an on-disk Workspace, so memory holds one chunk, the parents and a few samples.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from builderops.core.review import user_can_approve
from builderops.csvio.cells import formula_unescape
from builderops.csvio.errors import CellError, FileError, RowError
from builderops.csvio.headers import HeaderMap, headers_map
from builderops.csvio.parents import ParentResolver
from builderops.csvio.reader import table_open
from builderops.csvio.rows import Row, rows_text
from builderops.csvio.spec import ImportSpec
from builderops.csvio.workspace import Workspace

CHUNK_ROWS = 5000
SHOWN_ERRORS = 1000
SAMPLES = 5
STATES = ("new", "updated", "unchanged")


@dataclass
class Outcome:
    """What a pass found: counts per outcome, a few samples, the first errors, warnings."""

    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[dict]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    errors_csv_rows: int = 0

    @property
    def valid(self) -> bool:
        return self.error_count == 0


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
        self.can_approve = user_can_approve(user, spec.model)
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
        with table_open(self.path) as table:
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
        existing = self.spec.existing_load(keys) if keys else {}
        for row in rows:
            if not row.errors:
                self.row_classify(row, existing.get(row.key))
        errors = [error for row in rows for error in row.errors]
        self.ws.errors_add(errors)
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
        width = self.hmap.width
        if len(cells) != width and (len(cells) < width or any(cells[width:])):
            row.error(
                "",
                "",
                f"has {len(cells)} values but the header has {width} columns",
                "Quote values that contain the delimiter or a line break, and give the row "
                "one value per column",
            )
            return row
        values, extra = row.values, row.extra
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
            if is_extra:
                extra[attr] = value
            else:
                values[attr] = value
        row.key = row.values.get("external_id")
        self.spec.row_extra(row, self.hmap)
        if self.parents is not None:
            self.parents.resolve(row)
        return row

    def row_classify(self, row: Row, obj) -> None:
        """Decide new / updated / unchanged and check approving is allowed."""
        row.obj = obj
        if obj is None:
            row.state = "new"
        else:
            row.changed = self.spec.changes(obj, row)
            if self.approve and not obj.is_approved:
                row.changed.append("review_state")
            row.state = "updated" if row.changed else "unchanged"
            row.to_draft = row.state == "updated" and obj.is_approved and not self.can_approve
        if self.parents is not None:
            self.parents.check(row)

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
        errors = self.ws.errors(SHOWN_ERRORS)
        return Outcome(
            counts=counts,
            samples=samples,
            errors=errors,
            error_count=self.ws.error_count(),
            warnings=self.hmap.warnings,
        )
