"""Time a full portal pull and the incremental pull after 1% of projects change.

`make bench BENCH=pull` (or `python -m benchmarks pull [--projects 1000] [--latency-ms 50] …`).
Starts a portal sandbox (default Buildertrend: 1,000 projects x 5 selections, 3 change orders,
2 purchase orders, 10 schedule tasks, 50 ms per request), pulls everything into a scratch
database (SQLite in a temp folder unless --database-url), mutates `--fraction` of the projects
through `/_sandbox/mutate`, and pulls incrementally. The baseline is the full pull of the same
run; the goal is incremental requests ≤ 5% of the full pull's. Exit 1 when the goal is missed
or the mirror doesn't match the sandbox's record counts.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOAL = 0.05


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pull", description=__doc__)
    parser.add_argument("--portal", choices=["buildertrend", "coconstruct"], default="buildertrend")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--fraction", type=float, default=0.01, help="share of projects changed")
    parser.add_argument("--workers", type=int, default=8, help="PORTAL_PULL_WORKERS")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    return parser.parse_args(argv)


def sandbox_start(args, port: int) -> subprocess.Popen:
    """Start the sandbox process with the benchmark's data shape and latency."""
    command = [
        sys.executable, "manage.py", "sandbox", args.portal, "--port", str(port),
        "--projects", str(args.projects), "--selections", "5", "--change-orders", "3",
        "--purchase-orders", "2", "--tasks", "10", "--latency-ms", str(args.latency_ms),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE":
                            "builderops.settings.local"})  # fmt: skip


def django_setup(args, scratch: Path) -> None:
    """Point Django at a scratch database and cache, then set it up and migrate."""
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["CACHE_URL"] = "locmemcache://portal-pull-bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builderops.settings.local")
    os.environ["BUILDEROPS_LOG_LEVEL"] = "WARNING"
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.PORTAL_PULL_WORKERS = args.workers
    call_command("migrate", verbosity=0)


def main(argv: list[str]) -> int:
    args = parse(argv)
    from tests.fixtures.processes import free_port, stop_process, wait_for_port

    port = free_port()
    sandbox = sandbox_start(args, port)
    try:
        wait_for_port(port, sandbox, timeout=120)
        with tempfile.TemporaryDirectory(prefix="pull-bench-") as scratch:
            django_setup(args, Path(scratch))
            from benchmarks.pull.measure import measure

            return measure(args, f"http://127.0.0.1:{port}", GOAL)
    finally:
        stop_process(sandbox)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
