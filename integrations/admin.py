"""Register the integrations app's admins, defined next to the code they show."""

from integrations.builderbacked import admin as builderbacked_admin
from integrations.portals import admin as portals_admin

__all__ = ["builderbacked_admin", "portals_admin"]
