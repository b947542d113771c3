"""The sandboxes `manage.py sandbox NAME` can serve: name → ASGI app factory ("module:function")."""

SANDBOXES = {
    "builderbacked": "integrations.sandbox.builderbacked.app:create_app",
    "buildertrend": "integrations.sandbox.portals.app:create_buildertrend_app",
    "coconstruct": "integrations.sandbox.portals.app:create_coconstruct_app",
}
