"""One measurement in a fresh process, so its peak memory is its own; prints one JSON line.

python -m benchmarks.csv_import.measure MODE [FILE]
MODE: setup, reset, preview, apply, die, copy-scratch or copy-real
"""

import json
import os
import resource
import sys
import time


def rss_mb() -> float:
    """Return this process's resident memory now (MB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup() -> dict:
    from locations.demo import locations_demo_load

    return locations_demo_load(user=None)


def reset() -> dict:
    """Empty the homes tables (and their history) so every apply creates the same rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE homes_home, homes_homeowner, homes_historicalhome, "
            "homes_historicalhomeowner CASCADE"
        )
    return {}


def ours(mode: str, path: str) -> dict:
    from builderops.csvio.services import import_file_apply, import_file_preview

    service = import_file_preview if mode == "preview" else import_file_apply
    outcome = service(kind="homes", path=path)
    return {"counts": outcome.counts, "errors": outcome.error_count}


def die(path: str) -> dict:
    """Dry-run then import with django-import-export; time each."""
    import tablib

    from benchmarks.csv_import.die import HomeResource

    with open(path, encoding="utf-8") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv")
    timings, totals = {}, {}
    for step, dry_run in (("dry_run", True), ("import", False)):
        start = time.perf_counter()
        result = HomeResource().import_data(dataset, dry_run=dry_run)
        timings[f"{step}_seconds"] = time.perf_counter() - start
        totals[step] = {"errors": result.has_errors(), **dict(result.totals)}
    return {**timings, "totals": totals}


def copy(mode: str, path: str) -> dict:
    from benchmarks.csv_import.copy_baseline import copy_real, copy_scratch

    return {"rows": (copy_scratch if mode == "copy-scratch" else copy_real)(path)}


def main(argv: list[str]) -> dict:
    import django

    django.setup()
    mode, path = argv[0], (argv[1] if len(argv) > 1 else "")
    base = rss_mb()
    start = time.perf_counter()
    if mode in ("setup", "reset"):
        result = setup() if mode == "setup" else reset()
    elif mode in ("preview", "apply"):
        result = ours(mode, path)
    elif mode == "die":
        result = die(path)
    else:
        result = copy(mode, path)
    return {
        "mode": mode,
        "seconds": time.perf_counter() - start,
        "base_rss_mb": base,
        "peak_rss_mb": peak_rss_mb(),
        **result,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builderops.settings.local")
    print(json.dumps(main(sys.argv[1:]), default=str))
