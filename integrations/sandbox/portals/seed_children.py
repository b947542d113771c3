"""Generate a project's selections, change orders, purchase orders and schedule tasks.

Each generator takes the project's context and the record's index within its project and returns
`(fields, updatedAt)` — the API shape without `id`, `projectId` and `updatedAt`. Statuses cycle by
index so every approval status appears in any seed with a few projects; approved records carry
`approvedAt` (contract, "Fine points").
"""

from datetime import date, timedelta
from decimal import Decimal

from integrations.sandbox.portals import seed_pools as pools
from integrations.sandbox.portals.clock import format_timestamp
from integrations.sandbox.portals.seed import ProjectContext, stamp_before, tax_rate_for
from integrations.sandbox.portals.spec import SCHEDULE_TASKS, SELECTIONS
from integrations.sandbox.portals.totals import change_order_totals, money, purchase_order_total

MARKUPS = ("0", "10", "12.5", "15", "20")


def selection(context: ProjectContext, index: int) -> tuple[dict, object]:
    """Return selection `index` of the project: options, allowance and the client's choice."""
    rng = context.rng("selection", index)
    category = tuple(pools.CATEGORIES)[(context.n + index) % len(pools.CATEGORIES)]
    titles, option_names, vendors, allowance = pools.CATEGORIES[category]
    selection_id = context.spec.child_id(SELECTIONS, context.n, index)
    base = Decimal(allowance or 1500)
    options = []
    for k, name in enumerate(rng.sample(option_names, rng.randint(2, min(4, len(option_names))))):
        option = {
            "id": context.spec.option_id(selection_id, k + 1),
            "name": name,
            "price": money(base * Decimal(rng.randint(60, 150)) / 100),
        }
        if rng.random() < 0.8:  # "vendor"? is optional in the contract's option shape
            option["vendor"] = rng.choice(vendors)
        options.append(option)
    status = pools.SELECTION_STATUSES[(context.n + index) % len(pools.SELECTION_STATUSES)]
    chosen = rng.choice(options)["id"] if status == "approved" or rng.random() < 0.4 else None
    updated_at = stamp_before(rng, context.updated_at)
    fields = {
        "category": category,
        "title": rng.choice(titles),
        "dueDate": _project_day(context, rng.randint(20, 120)),
        "status": status,
        "allowance": money(Decimal(allowance)) if allowance and rng.random() < 0.85 else None,
        "options": options,
        "chosenOptionId": None if status == "declined" else chosen,
        "approvedAt": _approved_at(rng, updated_at) if status == "approved" else None,
    }
    return fields, updated_at


def change_order(context: ProjectContext, index: int, line_count: int) -> tuple[dict, object]:
    """Return change order `index` with `line_count` line items and portal-computed totals."""
    rng = context.rng("change-order", index)
    title, description = rng.choice(pools.CHANGE_ORDERS)
    status = pools.CHANGE_ORDER_STATUSES[(context.n + index) % len(pools.CHANGE_ORDER_STATUSES)]
    credit = title.startswith("Credit")
    lines = [_change_order_line(rng, credit) for _ in range(line_count)]
    tax_rate = tax_rate_for(context)
    updated_at = stamp_before(rng, context.updated_at)
    approved = status == "approved"
    fields = {
        "number": f"CO-{index:03d}",
        "title": title,
        "description": description,
        "approvalStatus": status,
        "signatureRequired": rng.random() < 0.7,
        "approvedAt": _approved_at(rng, updated_at) if approved else None,
        "approvedBy": context.fields["clients"][0]["name"] if approved else None,
        "deadline": _project_day(context, rng.randint(10, 90)) if rng.random() < 0.7 else None,
        "taxRate": tax_rate,
        "lineItems": lines,
        **change_order_totals(lines, tax_rate),
    }
    return fields, updated_at


def _change_order_line(rng, credit: bool) -> dict:
    description, cost_code = rng.choice(pools.CHANGE_ORDER_LINES)
    quantity = rng.choice(("1", "2", "3", "4", "6", "8", "12", "1.5", "2.25", "16"))
    unit_cost = Decimal(rng.randint(1500, 450000)) / 100
    return {
        "description": description,
        "costCode": cost_code,
        "quantity": quantity,
        "unitCost": money(-unit_cost if credit else unit_cost),
        "markupPercent": rng.choice(MARKUPS),
        "taxable": rng.random() < 0.6,
    }


def purchase_order(context: ProjectContext, index: int) -> tuple[dict, object]:
    """Return purchase order `index`: a trade, cost-coded lines and their total."""
    rng = context.rng("purchase-order", index)
    vendor, email, cost_code, trade = pools.TRADES[(context.n * 3 + index) % len(pools.TRADES)]
    lines = [
        {
            "description": f"{trade} - {part}",
            "costCode": cost_code,
            "quantity": rng.choice(("1", "2", "4", "10", "25", "120", "2.5")),
            "unitCost": money(Decimal(rng.randint(800, 250000)) / 100),
        }
        for part in rng.sample(("labor", "materials", "equipment", "disposal"), rng.randint(1, 4))
    ]
    status = pools.PURCHASE_ORDER_STATUSES[(context.n + index) % len(pools.PURCHASE_ORDER_STATUSES)]
    fields = {
        "number": f"PO-{index:03d}",
        "vendor": {"name": vendor, "email": email},
        "status": status,
        "scopeOfWork": f"{trade} for {context.fields['name']} per plans and specifications.",
        "lineItems": lines,
        "total": purchase_order_total(lines),
    }
    return fields, stamp_before(rng, context.updated_at)


def schedule_task(
    context: ProjectContext, index: int, predecessors: list[tuple[str, str]]
) -> tuple[dict, object]:
    """Return task `index`, starting the day after its predecessors end.

    `predecessors` are the (id, endDate) of the tasks it follows; none for the first task.
    """
    rng = context.rng("schedule-task", index)
    after = max((date.fromisoformat(end) for _, end in predecessors), default=None)
    start = after + timedelta(days=1) if after else date.fromisoformat(context.fields["startDate"])
    end = start + timedelta(days=rng.randint(1, 14))
    title = pools.SCHEDULE_TASKS[(index - 1) % len(pools.SCHEDULE_TASKS)]
    trades = [t[0] for t in pools.TRADES]
    fields = {
        "title": title if index <= len(pools.SCHEDULE_TASKS) else f"{title} (phase 2)",
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "progressPercent": _progress(context, start, end),
        "predecessorIds": [task_id for task_id, _ in predecessors],
        "assignees": [rng.choice(pools.CREW), rng.choice(trades)][: rng.randint(1, 2)],
    }
    return fields, stamp_before(rng, context.updated_at)


def schedule_task_predecessors(context: ProjectContext, index: int, ends: dict) -> list:
    """Choose task `index`'s predecessors among the previous two: a chain with some forks."""
    rng = context.rng("schedule-task-links", index)
    wanted = [index - 1] + ([index - 2] if index > 2 and rng.random() < 0.3 else [])
    ids = [context.spec.child_id(SCHEDULE_TASKS, context.n, i) for i in wanted if i >= 1]
    return [(task_id, ends[task_id]) for task_id in ids if task_id in ends]


def _progress(context: ProjectContext, start: date, end: date) -> int:
    today = context.updated_at.date()
    if context.fields["status"] in ("closed", "warranty") or end <= today:
        return 100
    if start >= today:
        return 0
    return int(100 * (today - start).days / ((end - start).days + 1))


def _project_day(context: ProjectContext, offset_days: int) -> str:
    start = date.fromisoformat(context.fields["startDate"])
    return (start + timedelta(days=offset_days)).isoformat()


def _approved_at(rng, updated_at) -> str:
    return format_timestamp(updated_at - timedelta(minutes=rng.randint(0, 4320)))
