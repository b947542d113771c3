"""Time the home changelist at 100,000 homes against a 1,000-home baseline, in PostgreSQL.

`make bench BENCH=admin` (or `python -m benchmarks admin [--homes N] [--baseline N] [--runs N]`).
The big database is DATABASE_URL when set, else `builderops_bench` on the local server; the
baseline lives beside it (`<name>_baseline`). Each is created, migrated and loaded on first use
and reused afterwards. Pages are fetched through Django's test Client as a superuser; each cell
is the median of `--runs` requests after one warm-up, and the query count of that request.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/builderops_bench"


def baseline_url(url: str) -> str:
    """Name the baseline database beside the big one (same server, `<name>_baseline`)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_baseline"))


def measure(url: str, homes: int, runs: int) -> dict:
    """Run measure.py in its own process against `url`; return what it printed."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "builderops.settings.local",
    }
    command = [
        sys.executable,
        "-m",
        "benchmarks.admin.measure",
        "--homes",
        str(homes),
        "--runs",
        str(runs),
    ]
    print(
        f"measuring {homes:,} homes in {psycopg.conninfo.conninfo_to_dict(url)['dbname']} …",
        flush=True,
    )
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


COLUMNS = f"{'rows':>8}{'queries':>9}{'median ms':>11}{'db ms':>8}"


def columns(run: dict) -> str:
    queries = f"{run['queries']}{'*' if run['queries_varied'] else ''}"
    rows = f"{run['rows']:,}" if run["rows"] else "—"
    return f"{rows:>8}{queries:>9}{run['median_ms']:>11.1f}{run['db_ms']:>8.1f}"


def table(big: dict, small: dict) -> str:
    """Lay the two runs side by side, one row per scenario."""
    width = len(COLUMNS)
    sizes = "".join(
        f"{'— at ' + format(run['homes'], ',') + ' homes —':^{width}}" for run in (big, small)
    )
    head = f"{'page':<32}{COLUMNS}{COLUMNS}{'ratio':>8}"
    lines = [f"{'':<32}{sizes}", head, "-" * len(head)]
    for name, b in big["results"].items():
        s = small["results"][name]
        ratio = b["median_ms"] / s["median_ms"] if s["median_ms"] else float("nan")
        lines.append(f"{name:<32}{columns(b)}{columns(s)}{ratio:>7.2f}x")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks admin", description=__doc__)
    parser.add_argument("--homes", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"DATABASE_URL must point at PostgreSQL for this benchmark, not {url}")
        return 2
    big = measure(url, args.homes, args.runs)
    small = measure(baseline_url(url), args.baseline, args.runs)
    for run in (big, small):
        if run["loaded"] or run.get("loaded_projects"):
            print(
                f"loaded {run['loaded']:,} homes and {run.get('loaded_projects', 0):,} projects "
                f"in {run['load_seconds']} s"
            )
    print()
    print(table(big, small))
    print(
        f"\nmedian of {args.runs} requests each (after one warm-up), as a logged-in superuser "
        f"through Django's test Client;\ndb ms = time in SQL; ratio = median at "
        f"{big['homes']:,} homes / median at {small['homes']:,} homes; * = query count varied"
    )
    return 0
