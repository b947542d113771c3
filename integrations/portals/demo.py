"""Demo portal connections: one per portal, pointing at the local sandboxes the run command starts.

The sandboxes seed job numbers `JOB-0001`… (Buildertrend 1-20, CoConstruct 18-37: see the
Procfile), the same as the demo homes, so a first pull links projects to homes by job number and
shows every link state (issue 15):
- linked: homes 1-6 are given their Buildertrend job's address and clients here (home 5 lacks
  one client, so its page shows homeowner drift);
- to review: the other job-number links (the sandboxes' addresses are elsewhere);
- conflict: jobs 18-20 are in both portals;
- unlinked: homes 12, 24 and 36 have no job id yet (homes/demo.py), so their jobs match nothing.
"""

from django.conf import settings

from homes.models import Home, Homeowner
from homes.services import home_save
from integrations.portals.linking.normalize import name_split
from integrations.portals.models.connection import Portal, PortalConnection
from integrations.sandbox.portals.seed import seed_project

SANDBOX_USERNAME = "demo@builder.example"  # the sandboxes' defaults (sandbox/portals/app.py)
SANDBOX_PASSWORD = "demo-password"  # noqa: S105 - a local sandbox's published demo password
DEMO_CONNECTIONS = (
    ("Buildertrend (sandbox)", Portal.BUILDERTREND),
    ("CoConstruct (sandbox)", Portal.COCONSTRUCT),
)
AGREEING_HOMES = range(1, 7)  # HOME_00001… get Buildertrend job n's address and clients
DRIFTING_HOME = 5  # …but this one only its first client


def portals_demo_load(*, user) -> dict[str, int]:
    """Create the missing demo portal connections; return how many were created."""
    created = 0
    for name, portal in DEMO_CONNECTIONS:
        if PortalConnection.objects.filter(name=name).exists():
            continue
        port = sandbox_port(portal)
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
    return {"portal connections": created, "homes matched to jobs": homes_demo_match(user=user)}


def sandbox_port(portal: str) -> int:
    """Return the port `make run` serves `portal`'s sandbox on (Procfile)."""
    if portal == Portal.BUILDERTREND:
        return settings.SANDBOX_BUILDERTREND_PORT
    return settings.SANDBOX_COCONSTRUCT_PORT


def homes_demo_match(*, user) -> int:
    """Give the first demo homes their sandbox job's address and clients; return how many."""
    matched = 0
    for n in AGREEING_HOMES:
        home = Home.objects.filter(external_id=f"HOME_{n:05d}").first()
        job = seed_project(n)
        address = job["address"]
        if home is None or home.address_line1 == address["line1"]:
            continue  # not loaded, or matched on an earlier run
        home.address_line1, home.address_line2 = address["line1"], address["line2"] or ""
        home.city, home.state = address["city"], address["state"]
        home.postal_code = address["postalCode"]
        clients = job["clients"][:1] if n == DRIFTING_HOME else job["clients"]
        owners = [client_homeowner(client) for client in clients]
        home_save(home=home, user=user, owners_saved=owners)
        matched += 1
    return matched


def client_homeowner(client: dict) -> Homeowner:
    first, last = name_split(client["name"])
    return Homeowner(email=client["email"], first_name=first, last_name=last)
