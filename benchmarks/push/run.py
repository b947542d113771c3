"""Push change orders through the portal outbox to a faulty, rate-limited sandbox and measure.

`make bench BENCH=push` (or `python -m benchmarks push [--writes 1000] [--projects 200] …`).
Starts a Buildertrend sandbox (50 ms per request, 20 requests/s, 10% dropped connections — half
of them after the record was created), mirrors its projects, drafts and approves `--writes`
change orders spread over the projects, and sends them in-process with `--threads` senders
(the send service the Celery task calls; retries as the task would schedule them). Reports the
send rate as a ratio of the limit (goal ≥ 0.9), requests per write (goal ≤ 1.15 with drops),
duplicates in the sandbox's state (goal 0) and wall time. Exit 1 when a goal is missed.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks push", description=__doc__)
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate-limit", type=float, default=20.0)
    parser.add_argument("--drop-rate", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=8, help="senders at once")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    return parser.parse_args(argv)


def sandbox_start(args, port: int) -> subprocess.Popen:
    """Start the sandbox with the benchmark's projects and no children to pull."""
    command = [
        sys.executable, "manage.py", "sandbox", "buildertrend", "--port", str(port),
        "--projects", str(args.projects), "--selections", "0", "--change-orders", "0",
        "--purchase-orders", "0", "--tasks", "0",
    ]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "builderops.settings.local"}
    return subprocess.Popen(command, cwd=ROOT, env=env)


def django_setup(args, scratch: Path) -> None:
    """Point Django at a scratch database and cache, then set it up and migrate."""
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["CACHE_URL"] = "locmemcache://portal-push-bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builderops.settings.local")
    os.environ["BUILDEROPS_LOG_LEVEL"] = "ERROR"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main(argv: list[str]) -> int:
    args = parse(argv)
    from tests.fixtures.processes import free_port, stop_process, wait_for_port

    port = free_port()
    sandbox = sandbox_start(args, port)
    try:
        wait_for_port(port, sandbox, timeout=120)
        with tempfile.TemporaryDirectory(prefix="push-bench-") as scratch:
            django_setup(args, Path(scratch))
            from benchmarks.push.measure import measure

            return measure(args, f"http://127.0.0.1:{port}")
    finally:
        stop_process(sandbox)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
