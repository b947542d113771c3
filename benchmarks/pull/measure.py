"""Run the pulls of the benchmark (Django is set up by run.py) and print the figures."""

import time

import httpx

from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import Project, ScheduleTask, Selection
from integrations.portals.models.orders import ChangeOrder, PurchaseOrder
from integrations.portals.pull.run import portal_pull

MODELS = {
    "projects": Project,
    "selections": Selection,
    "changeOrders": ChangeOrder,
    "purchaseOrders": PurchaseOrder,
    "scheduleTasks": ScheduleTask,
}


def connection_create(portal: str, base_url: str) -> PortalConnection:
    connection = PortalConnection(name=f"bench {portal}", portal=portal, base_url=base_url,
                                  username="demo@builder.example")  # fmt: skip
    connection.set_password("demo-password")
    connection.save()
    return connection


def timed_pull(connection: PortalConnection, *, full: bool):
    started = time.perf_counter()
    run = portal_pull(connection_id=connection.pk, full=full)
    return run, time.perf_counter() - started


def counts_match(connection: PortalConnection, base_url: str) -> dict[str, tuple[int, int]]:
    """Return, per resource, (live records in the sandbox, live mirrors) for a sanity check."""
    state = httpx.get(f"{base_url}/_sandbox/state", timeout=120).json()
    return {
        kind: (
            sum(1 for r in state[kind] if not r["deleted"]),
            model.objects.filter(connection=connection, deleted=False).count(),
        )
        for kind, model in MODELS.items()
        if kind in state
    }


def report(args, full, full_s, incremental, incremental_s, mutation, counts) -> None:
    ratio = incremental.requests_made / full.requests_made
    changed = {k: len(v) for k, v in mutation["changed"].items() if v}
    print(f"portal {args.portal}: {args.projects:,} projects x (5, 3, 2, 10) at "
          f"{args.latency_ms:g} ms per request, {args.workers} fetch threads")  # fmt: skip
    print(f"{'pull':<14}{'status':>11}{'wall s':>9}{'requests':>10}{'new':>8}{'updated':>9}"
          f"{'deleted':>9}{'unchanged':>11}")  # fmt: skip
    for name, run, seconds in (("full", full, full_s), ("incremental", incremental, incremental_s)):
        print(f"{name:<14}{run.status:>11}{seconds:>9.1f}{run.requests_made:>10,}"
              f"{run.new_count:>8,}{run.updated_count:>9,}{run.deleted_count:>9,}"
              f"{run.unchanged_count:>11,}")  # fmt: skip
    print(f"mutated {mutation['changed'].get('projects') and len(mutation['changed']['projects'])}"
          f" projects; sandbox says changed: {changed}")  # fmt: skip
    print(f"incremental / full requests = {incremental.requests_made} / {full.requests_made} "
          f"= {ratio:.4f} (goal ≤ {0.05})")  # fmt: skip
    print("live records (sandbox, mirror): " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def measure(args, base_url: str, goal: float) -> int:
    """Pull in full, mutate, pull incrementally; print the table; 0 when the goal is met."""
    connection = connection_create(args.portal, base_url)
    full, full_s = timed_pull(connection, full=True)
    mutation = httpx.post(f"{base_url}/_sandbox/mutate", json={"fraction": args.fraction},
                          timeout=60).json()  # fmt: skip
    incremental, incremental_s = timed_pull(connection, full=False)
    counts = counts_match(connection, base_url)
    report(args, full, full_s, incremental, incremental_s, mutation, counts)
    ratio = incremental.requests_made / full.requests_made
    consistent = all(a == b for a, b in counts.values())
    ok = full.status == incremental.status == "succeeded" and consistent and ratio <= goal
    return 0 if ok else 1
