"""Buildertrend: construction portal reached through the hosted API layer."""

from integrations.portals.buildertrend.client import BuildertrendClient

__all__ = ["BuildertrendClient"]
