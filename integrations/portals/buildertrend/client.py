"""Call Buildertrend through its API layer: the shared portal client, limited to what it offers."""

from integrations.portals.client import PortalClient


class BuildertrendClient(PortalClient):
    """Pull projects, selections, change orders, POs and schedules; push selections, COs, tasks."""

    portal_name = "buildertrend"
    # shared/contracts/portals.md, "Resources": every row with a ✓ in the Buildertrend column.
    offers = frozenset(
        {
            "list_projects",
            "list_selections",
            "create_selection",
            "list_change_orders",
            "create_change_order",
            "list_purchase_orders",
            "list_schedule_tasks",
            "update_schedule_task",
        }
    )
