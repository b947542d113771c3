"""Demo portal connections: one per portal, pointing at the local sandboxes the run command starts.

The sandboxes seed job numbers `JOB-0001`…, the same as the demo homes, so a first pull links
projects to homes by job number.
"""

from django.conf import settings

from integrations.portals.models import Portal, PortalConnection

SANDBOX_USERNAME = "demo@builder.example"  # the sandboxes' defaults (sandbox/portals/app.py)
SANDBOX_PASSWORD = "demo-password"  # noqa: S105 - a local sandbox's published demo password
DEMO_CONNECTIONS = (
    ("Buildertrend (sandbox)", Portal.BUILDERTREND, "SANDBOX_BUILDERTREND_PORT", 8102),
    ("CoConstruct (sandbox)", Portal.COCONSTRUCT, "SANDBOX_COCONSTRUCT_PORT", 8103),
)


def portals_demo_load(*, user) -> dict[str, int]:
    """Create the missing demo portal connections; return how many were created."""
    created = 0
    for name, portal, port_setting, default_port in DEMO_CONNECTIONS:
        if PortalConnection.objects.filter(name=name).exists():
            continue
        port = getattr(settings, port_setting, default_port)
        connection = PortalConnection(
            name=name,
            portal=portal,
            base_url=f"http://127.0.0.1:{port}",
            username=SANDBOX_USERNAME,
            pull_interval_minutes=5,
        )
        connection.set_password(SANDBOX_PASSWORD)
        connection.save()
        created += 1
    return {"portal connections": created}
