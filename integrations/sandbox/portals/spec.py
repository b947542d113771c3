"""Describe what each portal offers and how it spells ids — the two ways the sandboxes differ.

The resources table of shared/contracts/portals.md, per portal: Buildertrend offers schedule tasks
and selection POSTs but no purchase-order POSTs; CoConstruct offers purchase-order POSTs, adds
`allowanceRemaining` to selections, and has no schedule. Ids are opaque strings either way:
Buildertrend's look numeric ("100007"), CoConstruct's are UUIDs, so a client that parses them fails.
Both are derived from (project number, record index), so the same seed options give the same ids.
"""

import uuid
from dataclasses import dataclass

PROJECTS = "projects"
SELECTIONS = "selections"
CHANGE_ORDERS = "changeOrders"
PURCHASE_ORDERS = "purchaseOrders"
SCHEDULE_TASKS = "scheduleTasks"
CHILD_KINDS = (SELECTIONS, CHANGE_ORDERS, PURCHASE_ORDERS, SCHEDULE_TASKS)

_KIND_DIGIT = {SELECTIONS: "2", CHANGE_ORDERS: "3", PURCHASE_ORDERS: "4", SCHEDULE_TASKS: "5"}
_UUID_NAMESPACE = uuid.UUID("5b0c7a52-8f0e-4f55-9d8e-2f1d1c7c0b11")


@dataclass(frozen=True)
class PortalSpec:
    name: str
    child_kinds: tuple[str, ...]  # child resources it lists
    creatable: frozenset[str]  # child resources it accepts POSTs for
    patches_tasks: bool
    allowance_remaining: bool
    numeric_ids: bool

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return every resource this portal serves, projects first."""
        return (PROJECTS, *self.child_kinds)

    def project_id(self, n: int) -> str:
        """Return the id of the `n`-th project (1-based)."""
        if self.numeric_ids:
            return str(100000 + n)
        return str(uuid.uuid5(_UUID_NAMESPACE, f"{PROJECTS}:{n}"))

    def child_id(self, kind: str, n: int, index: int) -> str:
        """Return the id of the `index`-th record of `kind` in project `n`."""
        if self.numeric_ids:
            return f"{_KIND_DIGIT[kind]}{n:06d}{index:04d}"
        return str(uuid.uuid5(_UUID_NAMESPACE, f"{kind}:{n}:{index}"))

    def option_id(self, selection_id: str, k: int) -> str:
        """Return the id of the `k`-th option of a selection."""
        if self.numeric_ids:
            return f"{selection_id}{k:02d}"
        return str(uuid.uuid5(_UUID_NAMESPACE, f"option:{selection_id}:{k}"))


BUILDERTREND = PortalSpec(
    name="buildertrend",
    child_kinds=(SELECTIONS, CHANGE_ORDERS, PURCHASE_ORDERS, SCHEDULE_TASKS),
    creatable=frozenset({SELECTIONS, CHANGE_ORDERS}),
    patches_tasks=True,
    allowance_remaining=False,
    numeric_ids=True,
)

COCONSTRUCT = PortalSpec(
    name="coconstruct",
    child_kinds=(SELECTIONS, CHANGE_ORDERS, PURCHASE_ORDERS),
    creatable=frozenset({CHANGE_ORDERS, PURCHASE_ORDERS}),
    patches_tasks=False,
    allowance_remaining=True,
    numeric_ids=False,
)

PORTALS = {spec.name: spec for spec in (BUILDERTREND, COCONSTRUCT)}
