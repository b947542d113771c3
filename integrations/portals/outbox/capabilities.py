"""Say which writes each portal offers — read from the clients' `offers`, the one table.

shared/contracts/portals.md, "Resources": a "—" (CoConstruct has no selection POST, Buildertrend no
purchase-order POST, only Buildertrend PATCHes schedule tasks) never shows up as a button. The
portal clients already list what they offer (`BuildertrendClient.offers`,
`CoConstructClient.offers`); this module maps write kinds to those operations and asks them, so
the table is kept once.
"""

from integrations.portals.models.outbox import WriteKind
from integrations.portals.pull.resources import (
    CHANGE_ORDERS,
    PURCHASE_ORDERS,
    SCHEDULE_TASKS,
    SELECTIONS,
    Resource,
)
from integrations.portals.registry import portal_client_class

WRITE_OPERATIONS: dict[str, str] = {
    WriteKind.CHANGE_ORDER: "create_change_order",
    WriteKind.SELECTION: "create_selection",
    WriteKind.PURCHASE_ORDER: "create_purchase_order",
    WriteKind.SCHEDULE_TASK: "update_schedule_task",
}
# The mirror a portal's answer is written into (the pull's own resource definitions).
WRITE_RESOURCES: dict[str, Resource] = {
    WriteKind.CHANGE_ORDER: CHANGE_ORDERS,
    WriteKind.SELECTION: SELECTIONS,
    WriteKind.PURCHASE_ORDER: PURCHASE_ORDERS,
    WriteKind.SCHEDULE_TASK: SCHEDULE_TASKS,
}


def portal_offers_write(portal: str, kind: str) -> bool:
    """Say whether a portal (`buildertrend`, `coconstruct`) offers a kind of write."""
    return WRITE_OPERATIONS[kind] in portal_client_class(portal).offers


def write_kinds_offered(portal: str) -> list[str]:
    """Return the write kinds a portal offers, in WriteKind order."""
    return [kind for kind in WriteKind.values if portal_offers_write(portal, kind)]
