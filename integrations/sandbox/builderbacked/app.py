"""Build the Builder Backed sandbox: `create_app(...)` for tests, `add_arguments` for the command.

    python manage.py sandbox builderbacked --port 8101 [--token-lifetime 1] [--regions A,B] ...

Layers, outermost first: `RequestLog` (sees every request, even faulted ones) → `FaultMiddleware`
→ `BuilderBackedApp` (routing, auth, the API, `/_sandbox/` control endpoints).
"""

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from integrations.sandbox.faults import FaultMiddleware, Faults

from .api import api_routes
from .control import control_routes
from .errors import ApiError, error_response
from .oauth import TokenIssuer, bearer_scopes, require_scope, token_endpoint
from .persistence import StateFile
from .requestlog import RequestLog
from .routing import Call, json_object, match, raw_path, route
from .store import Store

DEFAULTS = {
    "client_id": "builderops-local",
    "client_secret": "local-sandbox-secret",
    "scopes": "location.write home.write",
    "token_lifetime": 3600,
    "regions": "Cincinnati,Columbus",
    "builder_id": 1,
}


def add_arguments(group) -> None:
    """Add this sandbox's options to `manage.py sandbox`; each arrives as a factory keyword."""
    group.add_argument("--client-id", default=DEFAULTS["client_id"])
    group.add_argument("--client-secret", default=DEFAULTS["client_secret"])
    group.add_argument("--scopes", default=DEFAULTS["scopes"], help="granted, space separated")
    group.add_argument("--token-lifetime", type=int, default=DEFAULTS["token_lifetime"], help="s")
    group.add_argument("--regions", default=DEFAULTS["regions"], help="active, comma separated")
    group.add_argument("--builder-id", type=int, default=DEFAULTS["builder_id"])
    group.add_argument(
        "--state-file", default=None, help="keep records in this JSON file across restarts"
    )


def create_app(
    *,
    faults: Faults | None = None,
    client_id: str = DEFAULTS["client_id"],
    client_secret: str = DEFAULTS["client_secret"],
    scopes: str | list[str] = DEFAULTS["scopes"],
    token_lifetime: int = DEFAULTS["token_lifetime"],
    regions: str | list[str] = DEFAULTS["regions"],
    builder_id: int = DEFAULTS["builder_id"],
    state_file: str | None = None,
) -> RequestLog:
    """Build the ASGI app: one in-memory store, one token issuer, faults, and the request log."""
    if token_lifetime < 1:
        raise ValueError("--token-lifetime must be at least 1 second")
    store = Store(builder_id=builder_id, regions=_names(regions, ","))  # names may hold spaces
    issuer = TokenIssuer(
        client_id=client_id,
        client_secret=client_secret,
        scopes=_names(scopes, r"[\s,]+"),
        lifetime=token_lifetime,
    )
    core = BuilderBackedApp(store, issuer)
    log = RequestLog(FaultMiddleware(core, faults or Faults()))
    core.routes += control_routes(store, issuer, log)
    return StateFile(log, store, state_file) if state_file else log


class BuilderBackedApp:
    """Route a request, run the contract's checks in order, and answer JSON."""

    def __init__(self, store: Store, issuer: TokenIssuer):
        self.store = store
        self.issuer = issuer
        self.routes = [route("POST", "/oauth2/token", self._token, kind="open", json_body=False)]
        self.routes += api_routes(store)

    async def __call__(self, scope, receive, send):
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except ApiError as exc:
            response = error_response(exc)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """builder-backed.md, Fine points: 401, then 403, then 400, then 404/409."""
        found, params = match(self.routes, request.method, raw_path(request))
        if found.kind == "api":
            scopes = bearer_scopes(request.headers.get("authorization"), self.issuer)
            require_scope(scopes, found.scope)
        call = Call(request, params)
        if found.json_body:
            call.body = await json_object(request)
        result = await found.handler(call)
        if call.created:
            request.scope["sandbox.created"] = True
        return result if isinstance(result, Response) else JSONResponse(result)

    async def _token(self, call: Call) -> Response:
        return await token_endpoint(call.request, self.issuer)


def _names(value: str | list[str], separator: str) -> list[str]:
    """Split a command-line list on the `separator` pattern, dropping empty items."""
    items = re.split(separator, value) if isinstance(value, str) else value
    return [item.strip() for item in items if item.strip()]
