"""Load portal projects and their children for the dashboard and home-page benchmarks, in bulk.

One project per five bench homes (20,000 at 100,000 homes), linked to home 5n+1, each with the
pull benchmark's children: 5 selections (some overdue or over allowance), 3 change orders, 2
purchase orders and 10 schedule tasks. Deterministic and additive, like data.py.
"""

from datetime import timedelta
from decimal import Decimal
from itertools import islice

from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from homes.models import Home
from integrations.portals.models.connection import PortalConnection, PullRun
from integrations.portals.models.mirrors import Project, ScheduleTask, Selection
from integrations.portals.models.orders import ChangeOrder, PurchaseOrder

BATCH = 1_000  # projects per transaction (22 children each)
HOMES_PER_PROJECT = 5


def connection_ensure() -> PortalConnection:
    connection, _ = PortalConnection.objects.get_or_create(
        name="Bench portal",
        defaults={"portal": "buildertrend", "base_url": "https://bench.invalid", "username": "b"},
    )
    return connection


def children_build(project: Project, n: int) -> list:
    today = timezone.localdate()
    base = {"project": project, "connection_id": project.connection_id}
    children = [
        Selection(
            **base,
            remote_id=f"S{n}-{i}",
            title=f"Selection {i}",
            status="pending" if i < 2 else "approved",
            due_date=today + timedelta(days=(n % 60) - 20 + i),
            allowance=Decimal("2500.00"),
            allowance_remaining=Decimal(500 - (n % 7) * 200),
        )
        for i in range(5)
    ]
    children += [
        ChangeOrder(
            **base,
            remote_id=f"C{n}-{i}",
            number=f"CO-{i:03d}",
            approval_status=("approved", "pending", "draft")[i],
            deadline=today + timedelta(days=(n % 30) - 10),
            total=Decimal(1000 + n % 5000),
        )
        for i in range(3)
    ]
    children += [
        PurchaseOrder(**base, remote_id=f"P{n}-{i}", number=f"PO-{i:03d}", total=Decimal("999.00"))
        for i in range(2)
    ]
    start = today - timedelta(days=n % 90)
    children += [
        ScheduleTask(
            **base,
            remote_id=f"T{n}-{i}",
            title=f"Task {i}",
            start_date=start + timedelta(days=7 * i),
            end_date=start + timedelta(days=7 * i + 6),
            progress_percent=min(100, (n + i * 10) % 110),
        )
        for i in range(10)
    ]
    return children


def projects_load(*, homes: int, progress=print) -> int:
    """Add bench projects with children until there is one per five homes; return how many."""
    connection = connection_ensure()
    target = homes // HOMES_PER_PROJECT
    have = Project.objects.filter(connection=connection).count()
    if have >= target:
        return 0
    numbers = iter(range(have, target))
    while batch := list(islice(numbers, BATCH)):
        ids = [f"BENCH_H_{n * HOMES_PER_PROJECT + 1:06d}" for n in batch]
        home_of = dict(Home.objects.filter(external_id__in=ids).values_list("external_id", "pk"))
        with transaction.atomic():
            projects = Project.objects.bulk_create(
                Project(
                    connection=connection,
                    remote_id=f"BP{n}",
                    name=f"Bench job {n}",
                    job_number=f"BJOB-{n * HOMES_PER_PROJECT + 1:06d}",
                    home_id=home_of.get(home_id),
                    link_method="auto_job",
                    contract_price=Decimal("412500.00"),
                )
                for n, home_id in zip(batch, ids, strict=True)
            )
            children = [
                c for n, p in zip(batch, projects, strict=True) for c in children_build(p, n)
            ]
            for model in (Selection, ChangeOrder, PurchaseOrder, ScheduleTask):
                model.objects.bulk_create([c for c in children if type(c) is model])
        progress(f"  loaded projects up to {batch[-1] + 1:,}")
    pull_runs_ensure(connection)
    return target - have


def pull_runs_ensure(connection: PortalConnection) -> None:
    """Give the pull-activity chart a week of runs (4 an hour)."""
    if PullRun.objects.filter(connection=connection).exists():
        return
    now = timezone.now()
    PullRun.objects.bulk_create(
        PullRun(
            connection=connection,
            kind="incremental",
            status="succeeded" if i % 50 else "partial",
            started_at=now - timedelta(minutes=15 * i),
            finished_at=now - timedelta(minutes=15 * i - 1),
        )
        for i in range(7 * 24 * 4)
    )


def portal_statistics_refresh() -> None:
    """ANALYZE the portal tables, so the planner knows their sizes (as autovacuum would)."""
    with db.cursor() as cursor:
        for model in (Project, Selection, ChangeOrder, PurchaseOrder, ScheduleTask, PullRun):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
