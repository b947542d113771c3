"""Builder Backed: the homeowner/warranty platform the hierarchy and homes are published to.

`client` calls the API (shared/contracts/builder-backed.md), `auth` holds the OAuth2 token
handling, `references` reads the contract's error sentences.
"""

from integrations.builderbacked.auth import ClientCredentialsAuth
from integrations.builderbacked.client import BuilderBackedClient, LocationResource
from integrations.builderbacked.references import (
    Duplicate,
    Level,
    Reference,
    already_exists,
    missing_reference,
)

__all__ = [
    "BuilderBackedClient",
    "ClientCredentialsAuth",
    "Duplicate",
    "Level",
    "LocationResource",
    "Reference",
    "already_exists",
    "missing_reference",
]
