"""Builder Backed: the homeowner/warranty platform the hierarchy and homes are published to.

`client` calls the API (shared/contracts/builder-backed.md), `auth` holds the OAuth2 token
handling, `references` reads the contract's error sentences.
"""
