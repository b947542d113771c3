"""Construction portals (shared/contracts/portals.md): one shared client, one subclass per portal.

`client` holds the shared `PortalClient`, `session` the login/refresh handling, `schema` every
"decided here" shape and value format, `totp` the MFA codes.
`registry.portal_client_class("buildertrend")` finds the client for a connection's portal.
"""
