"""Generate the benchmark's homes file: N homes under the demo neighborhoods, one owner each."""

import csv
from pathlib import Path

HEADER = [
    "externalId", "addressLine1", "addressLine2", "city", "state", "postalCode", "type",
    "neighborhoodExternalId", "marketHome", "jobId", "productCollection", "model",
    "closingDate", "scheduledClosingDate", "homeowner1Email", "homeowner1FirstName",
    "homeowner1MiddleName", "homeowner1LastName", "homeowner1Prefix", "homeowner1Suffix",
]  # fmt: skip
STREETS = ["Oak St", "Maple Ave", "Cedar Ct", "Elm Dr", "Pine Ln", "Walnut Way"]
FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"]


def home_row(i: int) -> list[str]:
    """Return the i-th home's cells (deterministic, valid, demo neighborhoods NH_001…NH_020)."""
    closed = i % 3 != 0
    return [
        f"BENCH_{i:07d}", f"{100 + i} {STREETS[i % 6]}", "" if i % 4 else f"Unit {i % 9 + 1}",
        "Mason", "OH", f"{45000 + i % 900:05d}", "Multi Family" if i % 5 == 0 else "Single Family",
        f"NH_{i % 20 + 1:03d}", "true" if i % 20 == 0 else "false", f"JOB-{i}",
        "Designer", "Ashton", "2026-03-31" if closed else "", "" if closed else "04/15/2027",
        f"{FIRST[i % 8].lower()}.{LAST[i % 7].lower()}{i}@example.com", FIRST[i % 8], "",
        LAST[i % 7], "", "",
    ]  # fmt: skip


def homes_file(folder: Path, rows: int) -> Path:
    """Write (once) and return the file of `rows` homes."""
    path = folder / f"homes-{rows}.csv"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(home_row(i) for i in range(rows))
    partial.rename(path)
    return path


def slice_file(source: Path, rows: int) -> Path:
    """Write (once) the first `rows` rows of `source` as their own file."""
    path = source.with_name(f"{source.stem}-first-{rows}.csv")
    if not path.exists():
        with open(source, encoding="utf-8") as handle, open(path, "w", encoding="utf-8") as out:
            for number, line in enumerate(handle):
                if number > rows:
                    break
                out.write(line)
    return path


def changed_file(source: Path, every: int = 100) -> Path:
    """Write (once) `source` with every `every`-th home's city changed: 1% of rows by default."""
    path = source.with_name(f"{source.stem}-changed-1-in-{every}.csv")
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with (
        open(source, newline="", encoding="utf-8") as handle,
        open(partial, "w", newline="", encoding="utf-8") as out,
    ):
        reader, writer = csv.reader(handle), csv.writer(out)
        writer.writerow(next(reader))
        city = HEADER.index("city")
        for number, row in enumerate(reader):
            if number % every == 0:
                row[city] = "Dayton"
            writer.writerow(row)
    partial.rename(path)
    return path
