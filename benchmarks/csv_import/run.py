"""Measure the CSV import at 100,000 homes against django-import-export and a raw COPY.

`make bench BENCH=csv_import` or `python -m benchmarks csv_import [--rows N] [--big N]
[--die-rows N] [--skip-big] [--skip-die]`. The database is DATABASE_URL when set, else
`builderops_bench_csv` on the local server, created and migrated on first use. Every measurement
runs in its own process (measure.py), so each peak RSS is its own; the homes tables are emptied
before each. Files are generated once under var/bench/csv_import/.

Goals (issue 6): ≥ 30x django-import-export's rows/s, within 5x of COPY, and preview memory flat
in the file's size (1,000,000 rows under 300 MB). Issue 12 adds re-imports of the same file
(unchanged) and of a copy with 1% of rows changed, right after the first import, each preview +
apply reported against the first import and against COPY of the same run (goals ≤ 20% and
≤ 30% of the first import).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from benchmarks.csv_import.data import changed_file, homes_file, slice_file

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/builderops_bench_csv"
FOLDER = ROOT / "var" / "bench" / "csv_import"


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks csv_import")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000, help="rows for the memory check")
    parser.add_argument(
        "--die-rows",
        type=int,
        default=10_000,
        help="slice given to django-import-export (it takes minutes per 10k)",
    )
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument(
        "--skip-die", action="store_true", help="skip django-import-export (minutes per 10k)"
    )
    return parser.parse_args(argv)


def database_ensure(url: str) -> None:
    """Create the benchmark database if it is missing, then migrate it."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env(url), check=True
    )


def env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "builderops.settings.local",
    }


def measure(url: str, mode: str, path: Path | None = None) -> dict:
    """Run one measurement in its own process; return what it printed."""
    if mode not in ("setup", "reset"):
        print(f"  {mode} {path.name if path else ''} …", flush=True)
    command = [sys.executable, "-m", "benchmarks.csv_import.measure", mode]
    done = subprocess.run(
        [*command, *([str(path)] if path else [])],
        cwd=ROOT,
        env=env(url),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh(url: str, mode: str, path: Path) -> dict:
    measure(url, "reset")
    return measure(url, mode, path)


def measure_all(url: str, args) -> dict:
    rows_file = homes_file(FOLDER, args.rows)
    results = {"rows": args.rows, "die_rows": min(args.die_rows, args.rows)}
    results["preview"] = fresh(url, "preview", rows_file)
    results["apply"] = fresh(url, "apply", rows_file)
    results.update(reimports(url, rows_file))  # on top of the first import, just applied
    if not args.skip_die:
        results["die"] = fresh(url, "die", slice_file(rows_file, results["die_rows"]))
    results["copy_scratch"] = fresh(url, "copy-scratch", rows_file)
    results["copy_real"] = fresh(url, "copy-real", rows_file)
    if not args.skip_big:
        results["big_rows"] = args.big
        results["preview_big"] = fresh(url, "preview", homes_file(FOLDER, args.big))
    measure(url, "reset")
    return results


def reimports(url: str, rows_file: Path) -> dict:
    """Preview and apply the same file again (unchanged), then a copy with 1% of rows changed."""
    changed = changed_file(rows_file)
    return {
        "unchanged_preview": measure(url, "preview", rows_file),
        "unchanged_apply": measure(url, "apply", rows_file),
        "changed_preview": measure(url, "preview", changed),
        "changed_apply": measure(url, "apply", changed),
    }


def main(argv: list[str]) -> int:
    args = arguments(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    database_ensure(url)
    measure(url, "setup")
    print(f"CSV import benchmark: {args.rows:,} homes with one homeowner each", flush=True)
    results = measure_all(url, args)
    from benchmarks.csv_import.report import report_lines

    print("\n".join(report_lines(results)))
    (FOLDER / "results.json").write_text(json.dumps(results, indent=2, default=str))
    return 0
