"""An on-disk scratch database for one pass over a file: its errors and the rows it has seen.

Keeping these in a temporary SQLite file instead of Python lists keeps a pass's memory flat in
the file's size (issue 6, "Benchmark"): a million rows or a million errors cost disk, not RAM.
"""

import os
import sqlite3
import tempfile
from collections.abc import Iterator

from builderops.csvio.errors import RowError
from builderops.csvio.rows import rows_text

SCHEMA = """
CREATE TABLE errors (row INTEGER, seq INTEGER, col TEXT, value TEXT, message TEXT, fix TEXT);
CREATE TABLE seen (key TEXT, row INTEGER, state TEXT, to_draft INTEGER);
CREATE TABLE normalised (row INTEGER, col TEXT, before TEXT, after TEXT);
CREATE TABLE notices (row INTEGER, message TEXT);
"""
SHOWN_ROWS = 5


class Workspace:
    """Collect errors and seen rows of one pass; deleted on close."""

    def __init__(self):
        handle, self.path = tempfile.mkstemp(prefix="csvio-", suffix=".sqlite3")
        os.close(handle)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        self.seq = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.db.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def errors_add(self, errors: list[RowError]) -> None:
        rows = []
        for error in errors:
            self.seq += 1
            rows.append((error.row, self.seq, error.column, error.value, error.message, error.fix))
        self.db.executemany("INSERT INTO errors VALUES (?, ?, ?, ?, ?, ?)", rows)

    def seen_add(self, rows: list[tuple[str | None, int, str, bool]]) -> None:
        """Record (external id, row, state, returns an approved record to draft) per row."""
        self.db.executemany("INSERT INTO seen VALUES (?, ?, ?, ?)", rows)

    def normalised_add(self, rows: list[tuple[int, str, str, str]]) -> None:
        """Record (row, column, value as written, value as imported) per normalised cell."""
        self.db.executemany("INSERT INTO normalised VALUES (?, ?, ?, ?)", rows)

    def notices_add(self, rows: list[tuple[int | None, str]]) -> None:
        """Record (row, message) per notice; row None for one about the whole file."""
        self.db.executemany("INSERT INTO notices VALUES (?, ?)", rows)

    def normalised_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM normalised").fetchone()[0]

    def normalised_groups(self, limit: int) -> list[dict]:
        """Group normalised cells by (column, from, to), first-seen first, with their rows."""
        self.db.execute(
            "CREATE INDEX IF NOT EXISTS normalised_change ON normalised(col, before, after, row)"
        )
        query = (
            "SELECT col, before, after, COUNT(*) FROM normalised GROUP BY col, before, after "
            "ORDER BY MIN(rowid) LIMIT ?"
        )
        rows_query = (
            "SELECT row FROM normalised WHERE col = ? AND before = ? AND after = ? "
            "ORDER BY row LIMIT ?"
        )
        groups = []
        for column, before, after, count in self.db.execute(query, (limit,)).fetchall():
            numbers = [
                n for (n,) in self.db.execute(rows_query, (column, before, after, SHOWN_ROWS))
            ]
            rows = rows_text(numbers, limit=SHOWN_ROWS, total=count)
            groups.append(
                {"column": column, "before": before, "after": after, "rows": rows, "count": count}
            )
        return groups

    def notice_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0]

    def notices(self, limit: int) -> list[str]:
        """Return notices, the file's first, then by row."""
        query = "SELECT message FROM notices ORDER BY row IS NOT NULL, row LIMIT ?"
        return [message for (message,) in self.db.execute(query, (limit,))]

    def duplicates(self) -> Iterator[tuple[str, list[int]]]:
        """Yield each external id used by more than one row, with those rows in order."""
        query = (
            "SELECT key, group_concat(row) FROM seen WHERE key IS NOT NULL "
            "GROUP BY key HAVING COUNT(*) > 1 ORDER BY MIN(row)"
        )
        for key, rows in self.db.execute(query):
            yield key, sorted(int(row) for row in rows.split(","))

    def error_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM errors").fetchone()[0]

    def errors(self, limit: int | None = None) -> list[RowError]:
        """Return errors in file order (file-wide problems first), at most `limit`."""
        query = (
            "SELECT row, col, value, message, fix FROM errors ORDER BY row IS NOT NULL, row, seq"
        )
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return [RowError(*record) for record in self.db.execute(query)]

    def errors_by_row(self) -> Iterator[tuple[int, list[RowError]]]:
        """Yield (row, its errors) for every row with an error, in row order."""
        query = (
            "SELECT row, col, value, message, fix FROM errors WHERE row IS NOT NULL "
            "ORDER BY row, seq"
        )
        current, bucket = None, []
        for record in self.db.execute(query):
            if record[0] != current and bucket:
                yield current, bucket
                bucket = []
            current = record[0]
            bucket.append(RowError(*record))
        if bucket:
            yield current, bucket

    def counts(self) -> dict[str, int]:
        """Count rows per outcome; a row with any error counts as invalid."""
        self.db.execute("CREATE INDEX IF NOT EXISTS errors_row ON errors(row)")
        query = (
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM errors e WHERE e.row = s.row) "
            "THEN 'invalid' ELSE s.state END AS outcome, COUNT(*), SUM(s.to_draft) "
            "FROM seen s GROUP BY outcome"
        )
        counts = {"new": 0, "updated": 0, "unchanged": 0, "invalid": 0, "to_draft": 0}
        for outcome, count, to_draft in self.db.execute(query):
            counts[outcome] = count
            if outcome != "invalid":
                counts["to_draft"] += to_draft or 0
        return counts

    def invalid_among(self, rows: list[int]) -> set[int]:
        """Return which of `rows` have an error."""
        marks = ",".join("?" * len(rows))
        query = f"SELECT DISTINCT row FROM errors WHERE row IN ({marks})"  # noqa: S608
        return {row for (row,) in self.db.execute(query, rows)} if rows else set()
