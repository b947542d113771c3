"""A local Builder Backed API v2 that follows shared/contracts/builder-backed.md to the letter.

`app.create_app` builds it: OAuth2 token endpoint, the location hierarchy, homes and homeowners,
kept in memory by a `store.Store`, wrapped in the fault injector and, outermost, a request log.
Test-only endpoints live under `/_sandbox/` (see `control.py`).
"""
