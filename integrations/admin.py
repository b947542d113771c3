"""Register the integrations app's admins, defined next to the code they show."""

from integrations.portals import admin as portals_admin

__all__ = ["portals_admin"]
