"""Register the portal admins (connections, mirrored records, pull runs)."""

from integrations.portals.admin import connections, mirrors

__all__ = ["connections", "mirrors"]
