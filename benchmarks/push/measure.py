"""Draft, approve and send the benchmark's change orders (Django is set up by run.py)."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
from django.contrib.auth import get_user_model
from django.db import connection as db
from django.utils import timezone

from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import Project
from integrations.portals.models.outbox import IN_FLIGHT, PortalWrite, WriteKind
from integrations.portals.outbox import services
from integrations.portals.outbox.bodies import ChangeOrderLineDraft, change_order_body
from integrations.portals.outbox.send import portal_write_send
from integrations.portals.pull.run import portal_pull

RATE_GOAL, REQUESTS_GOAL = 0.9, 1.15
CREATE = "/change-orders"


def connection_pulled(base_url: str) -> PortalConnection:
    connection = PortalConnection(name="bench push", portal="buildertrend", base_url=base_url,
                                  username="demo@builder.example")  # fmt: skip
    connection.set_password("demo-password")
    connection.save()
    portal_pull(connection_id=connection.pk, full=True)
    return connection


def writes_approve(count: int) -> list[int]:
    """Draft and approve `count` change orders across the mirrored projects; return their ids."""
    services.portal_write_send_queue = lambda write_id: None  # sent below, in-process
    approver = get_user_model().objects.create_superuser("bench", "bench@example.test", "x")
    projects = list(Project.objects.order_by("remote_id"))
    ids = []
    for n in range(count):
        body = change_order_body(
            title=f"Bench CO {n:05d}", description="", deadline=None, signature_required=False,
            tax_rate=Decimal("0.0725"),
            lines=[ChangeOrderLineDraft("Outlet", "16-100", Decimal(2), Decimal("150.00"))],
        )  # fmt: skip
        write = services.portal_write_draft_create(
            project=projects[n % len(projects)], kind=WriteKind.CHANGE_ORDER, body=body,
            title=body["title"], user=approver,
        )  # fmt: skip
        services.portal_write_approve(write=write, user=approver)
        ids.append(write.pk)
    return ids


def send_one(write_id: int) -> None:
    try:
        portal_write_send(write_id=write_id)
    finally:
        db.close()


def send_all(ids: list[int], threads: int) -> None:
    """Send every write, then each retry when it falls due (what the task would schedule)."""
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send_one, ids))
        while due := list(
            PortalWrite.objects.filter(pk__in=ids, state__in=IN_FLIGHT,
                                       next_attempt_at__lte=timezone.now())
            .values_list("pk", flat=True)
        ):  # fmt: skip
            list(pool.map(send_one, due))
            if PortalWrite.objects.filter(pk__in=ids, state__in=IN_FLIGHT).exists():
                time.sleep(0.5)


def measure(args, base_url: str) -> int:
    connection = connection_pulled(base_url)
    ids = writes_approve(args.writes)
    httpx.delete(f"{base_url}/_sandbox/requests", timeout=30)
    faults = {"latency_ms": args.latency_ms, "rate_limit": args.rate_limit,
              "drop_rate": args.drop_rate, "drop_after": 0.5, "seed": 1}  # fmt: skip
    httpx.put(f"{base_url}/_sandbox/faults", json=faults, timeout=30).raise_for_status()
    started = time.perf_counter()
    send_all(ids, args.threads)
    wall = time.perf_counter() - started
    return report(args, base_url, connection, ids, wall)


def report(args, base_url, connection, ids, wall) -> int:
    log = httpx.get(f"{base_url}/_sandbox/requests", timeout=60).json()["data"]
    state = httpx.get(f"{base_url}/_sandbox/state", timeout=60).json()
    posts = [e for e in log if e["method"] == "POST" and e["path"].endswith(CREATE)]
    titles = Counter(r["title"] for r in state["changeOrders"])
    duplicates = sum(n - 1 for n in titles.values() if n > 1)
    states = Counter(PortalWrite.objects.filter(pk__in=ids).values_list("state", flat=True))
    rate = args.writes / wall / args.rate_limit
    per_write = len(posts) / args.writes
    print(
        f"writes {args.writes} over {args.projects} projects, {args.threads} senders, "
        f"{args.latency_ms:g} ms, limit {args.rate_limit:g}/s, drops {args.drop_rate:.0%}"
    )
    print(f"wall time          {wall:8.1f} s")
    print(f"rate / limit       {rate:8.2f}   (goal >= {RATE_GOAL})")
    print(
        f"POSTs per write    {per_write:8.3f}   (goal <= {REQUESTS_GOAL}); 429s: "
        f"{sum(1 for e in posts if e['status'] == 429)}, dropped: "
        f"{sum(1 for e in posts if e['dropped'])}, all requests: {len(log)}"
    )
    print(f"duplicates         {duplicates:8d}   (goal 0)")
    print(f"write states       {dict(states)}")
    ok = rate >= RATE_GOAL and per_write <= REQUESTS_GOAL and duplicates == 0
    return 0 if ok else 1
