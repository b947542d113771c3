"""Build the Buildertrend and CoConstruct sandboxes: `manage.py sandbox buildertrend --port 8102`.

Each is one tenant of the hosted "unofficial API" layer described in shared/contracts/portals.md,
seeded deterministically from the options below. Layers, outermost first: `RequestLog` (sees
everything, marks errors portal-style) → `FaultMiddleware` (latency, 429, 503, drops; `PUT
/_sandbox/faults`) → the Starlette app (sessions, the resources table, `/_sandbox/` controls).
The app built is returned with `.tenant` and `.faults` attached, for in-process tests.
"""

from starlette.applications import Starlette
from starlette.routing import Route

from integrations.sandbox.faults import FaultMiddleware, Faults
from integrations.sandbox.portals import control, routes
from integrations.sandbox.portals.middleware import RequestLog
from integrations.sandbox.portals.seed import SeedOptions
from integrations.sandbox.portals.sessions import Credentials, Sessions
from integrations.sandbox.portals.spec import BUILDERTREND, COCONSTRUCT, PortalSpec
from integrations.sandbox.portals.tenant import Tenant
from integrations.sandbox.portals.totp import decode_secret

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def add_arguments(group) -> None:
    """Add the seed and tenant options both portal sandboxes take."""
    seed = SeedOptions()
    for name, help_text in (
        ("projects", "projects to seed"),
        ("selections", "selections per project"),
        ("change-orders", "change orders per project"),
        ("line-items", "line items per change order"),
        ("purchase-orders", "purchase orders per project"),
        ("tasks", "schedule tasks per project (Buildertrend only)"),
    ):
        default = getattr(seed, name.replace("-", "_"))
        group.add_argument(f"--{name}", type=int, default=default, help=f"{help_text} ({default})")
    group.add_argument("--data-seed", type=int, default=seed.data_seed, help="seed of the data (1)")
    group.add_argument(
        "--first-project",
        type=int,
        default=seed.first_project,
        help="number of the first seeded project, hence its job number JOB-NNNN (1)",
    )
    group.add_argument("--username", default="demo@builder.example")
    group.add_argument("--password", default="demo-password")
    group.add_argument("--mfa-secret", default=None, help="base32 TOTP secret: demand MFA")
    group.add_argument("--access-token-lifetime", type=int, default=900, help="seconds (900)")
    group.add_argument("--refresh-token-lifetime", type=int, default=86400, help="seconds (86400)")


def create_buildertrend_app(*, faults: Faults | None = None, **options):
    """Build the Buildertrend sandbox."""
    return _create(BUILDERTREND, faults, **options)


def create_coconstruct_app(*, faults: Faults | None = None, **options):
    """Build the CoConstruct sandbox."""
    return _create(COCONSTRUCT, faults, **options)


def _create(
    spec: PortalSpec,
    faults: Faults | None,
    *,
    username: str = "demo@builder.example",
    password: str = "demo-password",  # noqa: S107 - the sandbox tenant's documented demo login
    mfa_secret: str | None = None,
    access_token_lifetime: int = 900,
    refresh_token_lifetime: int = 86400,
    **seed_options,
):
    tenant = Tenant(
        spec=spec,
        options=SeedOptions(**seed_options),
        credentials=Credentials(
            username, password, decode_secret(mfa_secret) if mfa_secret else None
        ),
        sessions=Sessions(access_token_lifetime, refresh_token_lifetime),
    )
    app = Starlette(
        routes=[
            Route("/sessions", routes.sessions_create, methods=["POST"]),
            Route("/sessions/refresh", routes.sessions_refresh, methods=["POST"]),
            *control.ROUTES,
            Route("/{path:path}", routes.api, methods=ALL_METHODS),
        ]
    )
    app.state.tenant = tenant
    fault_layer = FaultMiddleware(app, faults or Faults())
    outer = RequestLog(fault_layer, tenant.requests)
    outer.tenant, outer.faults = tenant, fault_layer.faults
    return outer
