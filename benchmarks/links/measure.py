"""Build the benchmark's world (Django is set up by run.py), time the rechecks, print figures."""

import time

import httpx
from django.db import connection as db

from homes.models import Home, Homeowner, HomeType
from integrations.portals.linking import projects_links_recheck
from integrations.portals.linking.summary import links_summary
from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import LinkRejection, Project
from integrations.portals.pull import projects as pull_projects
from integrations.portals.pull.normalize import project_fields, row_from_payload
from integrations.portals.pull.run import portal_pull
from integrations.portals.schema import format_datetime
from integrations.sandbox.portals.seed import seed_project
from locations.models import Division, MasterCommunity, Neighborhood, Region

BATCH = 5000


def world_reset() -> None:
    """Empty the tables the benchmark fills (a scratch database)."""
    models = (LinkRejection, Project, PortalConnection, Homeowner, Home, Home.history.model,
              Homeowner.history.model, Neighborhood, MasterCommunity, Division, Region)  # fmt: skip
    tables = ", ".join(m._meta.db_table for m in models)
    with db.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def neighborhood_create() -> Neighborhood:
    region = Region.objects.create(name="Bench", remote_id=1, builder_id=1, active=True)
    division = Division.objects.create(external_id="DIV_B", name="Bench", region=region)
    community = MasterCommunity.objects.create(external_id="MC_B", name="Bench", division=division)
    return Neighborhood.objects.create(external_id="NH_B", name="Bench", master_community=community)


def seed_payloads(portal: str, first: int, count: int) -> dict[int, dict]:
    return {n: seed_project(n, portal=portal) for n in range(first, first + count)}


def projects_mirror(portal: str, base_url: str, payloads: dict[int, dict]) -> PortalConnection:
    """Store the sandbox's projects as a full pull would have (children marked up to date)."""
    connection = PortalConnection(name=f"bench {portal}", portal=portal, base_url=base_url,
                                  username="demo@builder.example")  # fmt: skip
    connection.set_password("demo-password")
    rows = [row_from_payload(payload, project_fields) for payload in payloads.values()]
    newest = max(row.updated_at for row in rows)
    resources = ("projects", "selections", "change_orders", "purchase_orders", "schedule_tasks")
    connection.high_water_marks = {name: format_datetime(newest) for name in resources}
    connection.save()
    Project.objects.bulk_create(
        (Project(connection=connection, remote_id=row.remote_id, children_mark=row.updated_at,
                 **row.fields) for row in rows),
        batch_size=BATCH,
    )  # fmt: skip
    return connection


def home_for(n: int, job: dict | None, neighborhood) -> tuple[Home, list[dict]]:
    """Build home `n`: agreeing with its job (even n), disagreeing (odd), address-only (n%10=5)."""
    if job and (n % 2 == 0 or n % 10 == 5):
        a = job["address"]
        address = (a["line1"], a["line2"] or "", a["city"], a["state"], a["postalCode"])
        owners = [{"email": c["email"], "first_name": c["name"].split()[0],
                   "last_name": c["name"].split()[-1]} for c in job["clients"]]  # fmt: skip
    else:
        address = (f"{n} Bench St", "", "Mason", "OH", "45040")
        owners = [{"email": f"owner{n}@bench.example", "first_name": "Pat", "last_name": "Bench"}]
    job_id = "" if job and n % 10 == 5 else f"JOB-{n:04d}"
    line1, line2, city, state, postal_code = address
    home = Home(external_id=f"BH_{n:06d}", neighborhood=neighborhood, address_line1=line1,
                address_line2=line2, city=city, state=state, postal_code=postal_code,
                home_type=HomeType.SINGLE_FAMILY, job_id=job_id)  # fmt: skip
    return home, owners


def homes_create(count: int, jobs: dict[int, dict], neighborhood) -> None:
    for start in range(1, count + 1, BATCH):
        built = [home_for(n, jobs.get(n), neighborhood)
                 for n in range(start, min(start + BATCH, count + 1))]  # fmt: skip
        Home.objects.bulk_create([home for home, _ in built])  # PostgreSQL sets their pks
        Homeowner.objects.bulk_create(
            Homeowner(home=home, **owner) for home, owners in built for owner in owners
        )


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def pull_with_link_time(connection: PortalConnection) -> tuple:
    """Run an incremental pull; return (run, pull seconds, seconds spent linking)."""
    original, spent = pull_projects.projects_link_auto, []

    def linking(projects):
        result, seconds = timed(original, projects)
        spent.append(seconds)
        return result

    pull_projects.projects_link_auto = linking
    try:
        run, seconds = timed(portal_pull, connection_id=connection.pk)
    finally:
        pull_projects.projects_link_auto = original
    return run, seconds, sum(spent)


def measure(args, urls: dict[str, str], firsts: dict[str, int], goal: float) -> int:
    world_reset()
    payloads = {p: seed_payloads(p, firsts[p], args.projects_per_portal) for p in urls}
    jobs = {**payloads["coconstruct"], **payloads["buildertrend"]}
    _, build_s = timed(homes_create, args.homes, jobs, neighborhood_create())
    connections = {p: projects_mirror(p, urls[p], payloads[p]) for p in urls}
    with db.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"world: {Home.objects.count():,} homes, {Homeowner.objects.count():,} homeowners, "
          f"{Project.objects.count():,} projects (built in {build_s:.1f} s)")  # fmt: skip

    cold_changed, cold_s = timed(projects_links_recheck)
    warm_changed, warm_s = timed(projects_links_recheck)
    counts = links_summary().counts
    print(f"full recheck from nothing linked: {cold_s:.1f} s ({cold_changed:,} links written)")
    print(f"full recheck, nothing changed:    {warm_s:.1f} s ({warm_changed:,} links written)")
    print("links: " + ", ".join(f"{state} {n:,}" for state, n in sorted(counts.items())))

    worst = 0.0
    for portal, connection in connections.items():
        mutation = httpx.post(f"{urls[portal]}/_sandbox/mutate", json={"fraction": args.fraction},
                              timeout=120).json()  # fmt: skip
        run, pull_s, link_s = pull_with_link_time(connection)
        share = link_s / pull_s
        worst = max(worst, share)
        print(f"{portal}: incremental pull after {len(mutation['changed'].get('projects', [])):,} "
              f"projects changed: {run.status}, {pull_s:.2f} s, {run.requests_made:,} requests, "
              f"{run.updated_count:,} updated; linking {link_s * 1000:.0f} ms = {share:.1%} "
              f"of the pull (goal ≤ {goal:.0%})")  # fmt: skip
    return 0 if worst <= goal else 1
