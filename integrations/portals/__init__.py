"""Construction portals (shared/contracts/portals.md): one shared client, one subclass per portal.

`client` holds the shared `PortalClient`, `session` the login/refresh handling, `schema` every
"decided here" shape and value format, `totp` the MFA codes. `portal_client_class("buildertrend")`
finds the client for a connection's portal.
"""

from integrations.portals.buildertrend import BuildertrendClient
from integrations.portals.client import PortalClient, session_key_for
from integrations.portals.coconstruct import CoConstructClient
from integrations.portals.session import CacheSessionStore, PortalSessionAuth, Session

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


__all__ = [
    "PORTAL_CLIENTS",
    "BuildertrendClient",
    "CacheSessionStore",
    "CoConstructClient",
    "PortalClient",
    "PortalSessionAuth",
    "Session",
    "portal_client_class",
    "session_key_for",
]
