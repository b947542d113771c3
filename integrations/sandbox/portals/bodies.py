"""Validate POST and PATCH bodies into the fields a record stores.

POST bodies are the record shape "without ids/status/timestamps" (selections) or "everything but
ids, number, totals and timestamps" (change orders); shared/contracts/portals.md, "Resources".
Fields that only make sense with a default (`description`, `markupPercent`, `taxable`, …) may be
left out; unknown fields, and the ids, totals and timestamps the portal sets itself, are ignored.
A task PATCH takes only `startDate`, `endDate`, `progressPercent`, `predecessorIds`; anything else
is a 400 naming it.
"""

from integrations.sandbox.portals import fields as f
from integrations.sandbox.portals.errors import invalid

CHANGE_ORDER_STATUSES = ("draft", "pending", "approved", "declined")
PURCHASE_ORDER_STATUSES = ("draft", "issued", "accepted", "declined", "closed")
TASK_PATCH_FIELDS = ("startDate", "endDate", "progressPercent", "predecessorIds")


def selection_body(body: dict) -> dict:
    """Return a new selection's fields; options get their ids from the caller."""
    allowance = body.get("allowance")
    options = [
        _option(option, f"options[{k}]")
        for k, option in enumerate(f.items(body, "options", most=50))
    ]
    return {
        "category": f.text(body, "category", "category"),
        "title": f.text(body, "title", "title"),
        "dueDate": f.day(body.get("dueDate"), "dueDate", nullable=True),
        "status": "pending",
        "allowance": None if allowance is None else f.money(allowance, "allowance"),
        "options": options,
        "chosenOptionId": None,
        "approvedAt": None,
    }


def _option(option: dict, path: str) -> dict:
    shaped = {
        "name": f.text(option, "name", f"{path}.name"),
        "price": f.money(option.get("price"), f"{path}.price"),
    }
    if option.get("vendor") is not None:
        shaped["vendor"] = f.text(option, "vendor", f"{path}.vendor")
    return shaped


def change_order_body(body: dict) -> dict:
    """Return a new change order's fields, before number, totals and approval stamps."""
    lines = f.items(body, "lineItems", most=200)
    return {
        "title": f.text(body, "title", "title"),
        "description": f.text(body, "description", "description", required=False),
        "approvalStatus": f.choice(
            body, "approvalStatus", "approvalStatus", CHANGE_ORDER_STATUSES, "pending"
        ),
        "signatureRequired": f.boolean(body, "signatureRequired", "signatureRequired"),
        "approvedBy": f.nullable_text(body, "approvedBy", "approvedBy"),
        "deadline": f.day(body.get("deadline"), "deadline", nullable=True),
        "taxRate": f.decimal_text(body.get("taxRate"), "taxRate", below_one=True),
        "lineItems": [_change_order_line(line, f"lineItems[{k}]") for k, line in enumerate(lines)],
    }


def _change_order_line(line: dict, path: str) -> dict:
    return {
        "description": f.text(line, "description", f"{path}.description"),
        "costCode": f.text(line, "costCode", f"{path}.costCode"),
        "quantity": f.decimal_text(line.get("quantity"), f"{path}.quantity", positive=True),
        "unitCost": f.money(line.get("unitCost"), f"{path}.unitCost", negative=True),
        "markupPercent": f.decimal_text(line.get("markupPercent", "0"), f"{path}.markupPercent"),
        "taxable": f.boolean(line, "taxable", f"{path}.taxable"),
    }


def purchase_order_body(body: dict) -> dict:
    """Return a new purchase order's fields, before number and total."""
    vendor = body.get("vendor")
    if not isinstance(vendor, dict):
        raise invalid("vendor", "vendor must be an object with name and email.")
    lines = f.items(body, "lineItems", most=200)
    return {
        "vendor": {
            "name": f.text(vendor, "name", "vendor.name"),
            "email": f.email(vendor.get("email"), "vendor.email"),
        },
        "status": f.choice(body, "status", "status", PURCHASE_ORDER_STATUSES, "draft"),
        "scopeOfWork": f.text(body, "scopeOfWork", "scopeOfWork", required=False),
        "lineItems": [
            _purchase_order_line(line, f"lineItems[{k}]") for k, line in enumerate(lines)
        ],
    }


def _purchase_order_line(line: dict, path: str) -> dict:
    return {
        "description": f.text(line, "description", f"{path}.description"),
        "costCode": f.text(line, "costCode", f"{path}.costCode"),
        "quantity": f.decimal_text(line.get("quantity"), f"{path}.quantity", positive=True),
        "unitCost": f.money(line.get("unitCost"), f"{path}.unitCost"),
    }


def task_patch_body(body: dict, task_id: str) -> dict:
    """Return the task fields a PATCH changes, each checked on its own (not yet together)."""
    for name in body:
        if name not in TASK_PATCH_FIELDS:
            raise invalid(
                name, f"{name} cannot be changed; send only {', '.join(TASK_PATCH_FIELDS)}."
            )
    changes = {}
    for name in ("startDate", "endDate"):
        if name in body:
            changes[name] = f.day(body[name], name)
    if "progressPercent" in body:
        changes["progressPercent"] = _progress(body["progressPercent"])
    if "predecessorIds" in body:
        changes["predecessorIds"] = _predecessor_ids(body["predecessorIds"], task_id)
    return changes


def _progress(value) -> int:
    # bool is an int in Python, not in JSON; 50.0 is not an integer either (contract: "integer").
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise invalid("progressPercent", "progressPercent must be a whole number from 0 to 100.")
    return value


def _predecessor_ids(value, task_id: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid("predecessorIds", "predecessorIds must be a list of task ids.")
    if len(set(value)) != len(value):
        raise invalid("predecessorIds", "predecessorIds must not repeat a task.")
    if task_id in value:
        raise invalid("predecessorIds", "A task cannot depend on itself.")
    return list(value)
