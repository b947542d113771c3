"""Call CoConstruct through its API layer: the shared portal client, limited to what it offers."""

from integrations.portals.client import PortalClient


class CoConstructClient(PortalClient):
    """Pull projects, selections, change orders and POs; push change orders and POs."""

    portal_name = "coconstruct"
    # shared/contracts/portals.md, "Resources": every row with a ✓ in the CoConstruct column.
    offers = frozenset(
        {
            "list_projects",
            "list_selections",
            "list_change_orders",
            "create_change_order",
            "list_purchase_orders",
            "create_purchase_order",
        }
    )
