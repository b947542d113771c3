"""Time link recomputation: 20,000 portal projects against 100,000 homes on PostgreSQL.

`make bench BENCH=links` (or `python -m benchmarks links --database-url postgres://…/scratch`).
Starts two portal sandboxes of 9,999 projects each (Buildertrend jobs 1-9,999, CoConstruct jobs
9,999-19,997: one job is in both), mirrors their projects straight into a scratch PostgreSQL
database as a full pull would have (from the sandboxes' deterministic seed), and builds 100,000
homes: every other job's home has the job's address and clients (linked), the rest disagree (to
review), one in ten has no job id but the job's address (address match), homes past job 20,000
have no project. Then it times:
- a full recheck from nothing linked, and again with nothing changed;
- per sandbox, an incremental pull after `--fraction` of projects changed (`/_sandbox/mutate`),
  and the linking step inside it. Goal: linking adds ≤ 10% to that pull's time.
Exit 1 when the goal is missed. The scratch database's tables are emptied first.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOAL = 0.10


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks links", description=__doc__)
    parser.add_argument("--homes", type=int, default=100_000)
    parser.add_argument("--projects-per-portal", type=int, default=9_999)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--fraction", type=float, default=0.01, help="share of projects changed")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL"), help="a scratch PostgreSQL"
    )
    return parser.parse_args(argv)


def sandbox_start(portal: str, port: int, args, first: int) -> subprocess.Popen:
    command = [
        sys.executable, "manage.py", "sandbox", portal, "--port", str(port),
        "--projects", str(args.projects_per_portal), "--first-project", str(first),
        "--latency-ms", str(args.latency_ms),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE":
                            "builderops.settings.local"})  # fmt: skip


def django_setup(args) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["CACHE_URL"] = "locmemcache://links-bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builderops.settings.local")
    os.environ["BUILDEROPS_LOG_LEVEL"] = "WARNING"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if not (args.database_url or "").startswith("postgres"):
        print("links benchmark: pass --database-url postgres://…/<scratch database>")
        return 2
    from tests.fixtures.processes import free_port, stop_process, wait_for_port

    ports = {"buildertrend": free_port(), "coconstruct": free_port()}
    firsts = {"buildertrend": 1, "coconstruct": args.projects_per_portal}
    sandboxes = {p: sandbox_start(p, ports[p], args, firsts[p]) for p in ports}
    try:
        for portal, process in sandboxes.items():
            wait_for_port(ports[portal], process, timeout=300)
        django_setup(args)
        from benchmarks.links.measure import measure

        urls = {p: f"http://127.0.0.1:{port}" for p, port in ports.items()}
        return measure(args, urls, firsts, GOAL)
    finally:
        for process in sandboxes.values():
            stop_process(process)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
