"""Local HTTP servers that implement the external contracts, for tests, demos and training.

Each sandbox is an ASGI app built by a factory registered in `SANDBOXES`; `manage.py sandbox NAME`
serves one with uvicorn. None of this code runs in production.
"""

SANDBOXES = {
    "builderbacked": "integrations.sandbox.builderbacked.app:create_app",
    "buildertrend": "integrations.sandbox.portals.app:create_buildertrend_app",
    "coconstruct": "integrations.sandbox.portals.app:create_coconstruct_app",
}
