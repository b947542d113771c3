"""Time the home changelist in one database: `python -m benchmarks.admin.measure --homes N`.

Run by run.py once per database (the 100,000-home one and its baseline), so each run gets its
own Django process. Prints one JSON line: per scenario, the rows found, the queries the request
ran and the median of the request times in milliseconds.
"""

import argparse
import json
import os
import statistics
import sys
import time

import psycopg


def database_ensure(url: str) -> None:
    """Create the database named in `url` if the server doesn't have it yet."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.pop("dbname")
    with psycopg.connect(
        psycopg.conninfo.make_conninfo(**info, dbname="postgres"), autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def django_ready() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "builderops.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def scenarios(number: int) -> dict[str, dict]:
    """Name each page to time, with its query string; `number` picks a loaded bench home."""
    from benchmarks.admin.data import address_of, owner_email_of
    from homes.models import Home

    home = Home.objects.select_related("neighborhood").get(external_id=f"BENCH_H_{number:06d}")
    street = address_of(number)
    return {
        "plain": {},
        "filtered: neighborhood + draft": {
            "neighborhood__id__exact": home.neighborhood_id,
            "review_state__exact": "draft",
        },
        "searched: address": {"q": street},
        "searched: street name (broad)": {"q": street.split()[1]},
        "searched: homeowner email": {"q": owner_email_of(number)},
    }


def pages(number: int) -> dict[str, str]:
    """Name the cockpit pages to time: the dashboard, and a bench home that has a project."""
    from benchmarks.admin.portal_data import HOMES_PER_PROJECT
    from homes.models import Home

    linked = number - (number - 1) % HOMES_PER_PROJECT  # home 5n+1 has project n
    home = Home.objects.get(external_id=f"BENCH_H_{linked:06d}")
    return {
        "dashboard (admin index)": "/admin/",
        "home page (with its project)": f"/admin/homes/home/{home.pk}/change/",
    }


def rows_found(user, url: str, params: dict) -> int:
    """Count the rows the changelist finds for `params` (outside the timed requests)."""
    from django.contrib import admin
    from django.test import RequestFactory

    from homes.models import Home

    request = RequestFactory(SERVER_NAME="localhost").get(url, params)
    request.user = user
    return admin.site._registry[Home].get_changelist_instance(request).result_count


def request_measure(client, url: str, params: dict, runs: int) -> dict:
    """GET the page `runs` times after a warm-up; return its queries, median total and DB ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url, params).status_code == 200
    timings, db_timings, counts = [], [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
        db_timings.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        counts.add(len(captured))
    return {
        "queries": max(counts),
        "queries_varied": len(counts) > 1,
        "median_ms": round(statistics.median(timings), 1),
        "db_ms": round(statistics.median(db_timings), 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homes", type=int, required=True)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    database_ensure(os.environ["DATABASE_URL"])
    django_ready()

    from django.contrib.auth import get_user_model
    from django.test import Client

    from benchmarks.admin.data import homes_load, statistics_refresh
    from benchmarks.admin.portal_data import portal_statistics_refresh, projects_load
    from homes.models import Home

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    started = time.perf_counter()
    loaded = homes_load(target=args.homes, user=user, progress=lambda m: print(m, file=sys.stderr))
    loaded_projects = projects_load(homes=args.homes, progress=lambda m: print(m, file=sys.stderr))
    load_seconds = round(time.perf_counter() - started, 1)
    statistics_refresh()
    portal_statistics_refresh()
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = "/admin/homes/home/"
    results = {
        name: {
            "rows": rows_found(user, url, params),
            **request_measure(client, url, params, args.runs),
        }
        for name, params in scenarios(number=max(1, args.homes // 2)).items()
    }
    # The operations cockpit (issue 14): the dashboard and one home's page with its project.
    for name, page in pages(number=max(1, args.homes // 2)).items():
        results[name] = {"rows": 0, **request_measure(client, page, {}, args.runs)}
    total = Home.objects.count()
    print(
        json.dumps(
            {
                "homes": total,
                "loaded": loaded,
                "loaded_projects": loaded_projects,
                "load_seconds": load_seconds,
                "results": results,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
