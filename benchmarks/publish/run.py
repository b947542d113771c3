"""Publish 10,000 homes and their hierarchy to the Builder Backed sandbox, then republish.

`make bench BENCH=publish` (or `python -m benchmarks publish [--homes 10000] [--workers 1] …`).
Starts the sandbox (50 ms latency, 100 requests/s limit) and Celery worker processes against
PostgreSQL + Redis: DATABASE_URL / CELERY_BROKER_URL / CACHE_URL from the environment, else the
local server's `builderops_bench_publish` database (created if missing) and Redis databases 14
and 15 (emptied at start when they are these defaults: the benchmark owns them). Loads the
records approved and due, queues them as `bb_publish` does, and waits until none is due.

Figures, from the sandbox's request log (every request: 429s, 5xx and token calls included):
achieved requests/s over the busy span ÷ the limit (goal ≥ 0.9), requests per record on first
publish (goal ≤ 1.02), requests on a republish with nothing changed (goal 0), wall time, and the
worker count. Exit 1 when a goal is missed or a record failed.

`--faults` (issue 10) runs the same publish against a sandbox answering 20% of requests 503 with
5-second tokens, on 2 worker processes: goals rate ≥ 0.85 of the limit, ≤ 1.3 requests per record,
429s under 2% of requests, and one token request per token lifetime.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/builderops_bench_publish",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
    "CACHE_URL": "redis://127.0.0.1:6379/15",
}
GOALS = {"rate_ratio": 0.9, "per_record": 1.02, "republish": 0, "share_429": 0.02, "tokens": 1.0}
FAULT_GOALS = {**GOALS, "rate_ratio": 0.85, "per_record": 1.3}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks publish",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--homes", type=int, default=10_000)
    parser.add_argument("--divisions", type=int, default=2)
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--neighborhoods", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate-limit", type=float, default=100.0, help="the sandbox's, req/s")
    parser.add_argument("--client-rate-limit", type=float, default=None,
                        help="BUILDERBACKED_RATE_LIMIT (default 95%% of --rate-limit)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=1, help="celery worker processes")
    parser.add_argument("--concurrency", type=int, default=2, help="prefork children each")
    parser.add_argument("--threads", type=int, default=8, help="HTTP threads per batch")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--faults", action="store_true",
                        help="20%% 5xx, 5-second tokens, 2 workers (issue 10's run)")  # fmt: skip
    parser.add_argument("--error-rate", type=float, default=0.0, help="the sandbox's 503 share")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="the sandbox's, s")
    args = parser.parse_args(argv)
    if args.faults:
        args.error_rate, args.token_lifetime, args.workers = 0.2, 5, 2
    args.goals = FAULT_GOALS if args.faults else GOALS
    return args


def database_ensure(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist."""
    name = urlsplit(url).path.lstrip("/")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def environment(args, base_url: str) -> bool:
    """Set this process's environment (the workers inherit it) before Django starts.

    Return whether the broker and cache are the benchmark's own (then they may be emptied).
    """
    own = all(key not in os.environ for key in ("CELERY_BROKER_URL", "CACHE_URL"))
    for key, default in DEFAULTS.items():
        os.environ.setdefault(key, default)
    # A ceiling a little below the tenant's limit: a request admitted at the end of one of our
    # one-second windows may land in the server's next one (latency), where it would be a 429.
    rate = args.rate_limit * 0.95 if args.client_rate_limit is None else args.client_rate_limit
    args.client_rate_limit = rate
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "benchmarks.publish.settings",
        "BUILDEROPS_LOG_LEVEL": "WARNING",
        "BUILDERBACKED_BASE_URL": base_url,
        "BUILDERBACKED_TOKEN_URL": f"{base_url}/oauth2/token",
        "BUILDERBACKED_RATE_LIMIT": str(rate),
        "BUILDERBACKED_PUBLISH_THREADS": str(args.threads),
        "BUILDERBACKED_PUBLISH_BATCH_SIZE": str(args.batch_size),
    })  # fmt: skip
    return own


def sandbox_start(args, port: int) -> subprocess.Popen:
    command = [
        sys.executable, "manage.py", "sandbox", "builderbacked", "--port", str(port),
        "--latency-ms", str(args.latency_ms), "--rate-limit", str(args.rate_limit),
        "--error-rate", str(args.error_rate), "--token-lifetime", str(args.token_lifetime),
    ]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "builderops.settings.local"}
    return subprocess.Popen(command, cwd=ROOT, env=env)


def workers_start(args) -> list[subprocess.Popen]:
    command = [
        sys.executable, "-m", "celery", "-A", "builderops", "worker", "--loglevel", "WARNING",
        "--concurrency", str(args.concurrency), "--pool", "prefork", "--without-heartbeat",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return [
        subprocess.Popen([*command, "--hostname", f"bench{n}@%h"], cwd=ROOT, env=dict(os.environ))
        for n in range(args.workers)
    ]


def django_start(own_services: bool) -> None:
    """Set Django up on the benchmark database, migrate, and empty its own broker and cache."""
    import django
    from django.core.cache import cache
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from builderops.celery import app

    if own_services:
        app.control.purge()
        cache.clear()


def main(argv: list[str]) -> int:
    args = parse(argv)
    from tests.fixtures.processes import free_port, stop_process, wait_for_port

    os.environ.setdefault("DATABASE_URL", DEFAULTS["DATABASE_URL"])
    database_ensure(os.environ["DATABASE_URL"])
    port = free_port()
    own_services = environment(args, f"http://127.0.0.1:{port}")
    processes = [sandbox_start(args, port)]
    try:
        wait_for_port(port, processes[0], timeout=60)
        django_start(own_services)
        from benchmarks.publish.report import benchmark_run

        return benchmark_run(args, f"http://127.0.0.1:{port}", lambda: workers_start(args),
                             processes)  # fmt: skip
    finally:
        for process in reversed(processes):
            stop_process(process, timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
