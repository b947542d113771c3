"""Find the client class for a connection's portal (`buildertrend`, `coconstruct`)."""

from integrations.portals.buildertrend.client import BuildertrendClient
from integrations.portals.client import PortalClient
from integrations.portals.coconstruct.client import CoConstructClient

PORTAL_CLIENTS: dict[str, type[PortalClient]] = {
    BuildertrendClient.portal_name: BuildertrendClient,
    CoConstructClient.portal_name: CoConstructClient,
}


def portal_client_class(portal: str) -> type[PortalClient]:
    """Return the client class for a portal name (`buildertrend`, `coconstruct`)."""
    try:
        return PORTAL_CLIENTS[portal]
    except KeyError:
        raise ValueError(f"unknown portal {portal!r}; known: {', '.join(PORTAL_CLIENTS)}") from None
