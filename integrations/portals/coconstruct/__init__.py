"""CoConstruct: construction portal reached through the hosted API layer."""

from integrations.portals.coconstruct.client import CoConstructClient

__all__ = ["CoConstructClient"]
