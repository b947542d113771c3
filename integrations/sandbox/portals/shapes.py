"""Turn stored records into the JSON shapes of shared/contracts/portals.md, "Resources".

A live record is its fields plus `id`, `projectId` (children) and `updatedAt`; CoConstruct
selections also carry `allowanceRemaining`. A deleted record in an incremental list is only
`{"id", "deleted": true, "updatedAt"}` ("Fine points").
"""

from decimal import Decimal

from integrations.sandbox.portals.spec import SELECTIONS, PortalSpec
from integrations.sandbox.portals.store import Record
from integrations.sandbox.portals.totals import money


def record_render(spec: PortalSpec, record: Record) -> dict:
    """Return the API shape of a record."""
    data = {"id": record.id}
    if record.project_id is not None:
        data["projectId"] = record.project_id
    data.update(record.fields)
    if record.kind == SELECTIONS and spec.allowance_remaining:
        data["allowanceRemaining"] = allowance_remaining(record.fields)
    data["updatedAt"] = record.stamp
    return data


def list_item_render(spec: PortalSpec, record: Record) -> dict:
    """Return a record as a list shows it: a tombstone if deleted, else its full shape."""
    if record.deleted:
        return {"id": record.id, "deleted": True, "updatedAt": record.stamp}
    return record_render(spec, record)


def state_render(spec: PortalSpec, record: Record) -> dict:
    """Return a record for the state dump: the full shape plus its `deleted` flag."""
    return {**record_render(spec, record), "deleted": record.deleted}


def allowance_remaining(fields: dict) -> str | None:
    """Return the allowance minus the chosen option's price (may be negative).

    With no allowance there is nothing to subtract from (null); with no chosen option the whole
    allowance remains.
    """
    if fields["allowance"] is None:
        return None
    chosen = next((o for o in fields["options"] if o["id"] == fields["chosenOptionId"]), None)
    spent = Decimal(chosen["price"]) if chosen else Decimal(0)
    return money(Decimal(fields["allowance"]) - spent)
