"""Serve the test-only endpoints under `/_sandbox/`: no auth, never faulted, not in the request log.

  GET    /_sandbox/state            {"portal", "clock", "mutations", "mfa", and per resource served
                                    ("projects", "selections", "changeOrders", "purchaseOrders",
                                    "scheduleTasks"): every record in creation order, in API shape
                                    plus "deleted": bool}
  GET    /_sandbox/requests         the request log, oldest first: {"data": [{"t" (Unix seconds),
                                    "method", "path", "query", "status" (null if dropped),
                                    "dropped": null|"before"|"after"}]}; DELETE empties it
  POST   /_sandbox/reset            reseed from the start options
  POST   /_sandbox/sessions/expire  expire every access token ({"refresh": true}: refresh too)
  POST   /_sandbox/mfa              {"secret": "BASE32" | null}: demand MFA, or stop demanding it
  POST   /_sandbox/mutate           move time forward (see `mutate.py` for the request/answer)
(`PUT /_sandbox/faults` belongs to `integrations.sandbox.faults.FaultMiddleware`.)
"""

import functools
import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from integrations.sandbox.portals.clock import format_timestamp
from integrations.sandbox.portals.errors import ApiError, invalid
from integrations.sandbox.portals.mutate import tenant_mutate
from integrations.sandbox.portals.shapes import state_render
from integrations.sandbox.portals.spec import PROJECTS
from integrations.sandbox.portals.totp import decode_secret


async def state(request: Request) -> JSONResponse:
    """Dump the tenant: clock, MFA flag, and every record of every resource it serves."""
    tenant = request.app.state.tenant
    store = tenant.store
    dump = {
        "portal": tenant.spec.name,
        "clock": format_timestamp(tenant.clock.last),
        "mutations": tenant.mutations,
        "mfa": tenant.credentials.mfa_key is not None,
    }
    for kind in tenant.spec.kinds:
        records = store.projects if kind == PROJECTS else store.by_id[kind].values()
        dump[kind] = [state_render(tenant.spec, r) for r in sorted(records, key=lambda r: r.seq)]
    return JSONResponse(dump)


async def requests_log(request: Request) -> JSONResponse:
    """List (GET) or empty (DELETE) the request log."""
    log = request.app.state.tenant.requests
    if request.method == "DELETE":
        count = len(log)
        log.clear()
        return JSONResponse({"cleared": count})
    return JSONResponse({"data": list(log)})


async def reset(request: Request) -> JSONResponse:
    """Reseed the tenant's records."""
    tenant = request.app.state.tenant
    tenant.reset()
    return JSONResponse({"reset": True, "projects": len(tenant.store.projects)})


async def sessions_expire(request: Request) -> JSONResponse:
    """Expire all access tokens now, and refresh tokens with `{"refresh": true}`."""
    body = await _body(request)
    refresh = body.get("refresh", False)
    if not isinstance(refresh, bool):
        raise invalid("refresh", "refresh must be true or false.")
    sessions = request.app.state.tenant.sessions
    sessions.expire_all(refresh=refresh)
    return JSONResponse(
        {
            "expired": {
                "access": len(sessions.access),
                "refresh": len(sessions.refresh) if refresh else 0,
            }
        }
    )


async def mfa(request: Request) -> JSONResponse:
    """Demand MFA with a base32 secret, or stop demanding it with null."""
    secret = (await _body(request)).get("secret")
    credentials = request.app.state.tenant.credentials
    try:
        credentials.mfa_key = None if secret is None else decode_secret(secret)
    except (ValueError, AttributeError):
        raise invalid("secret", "secret must be a base32 string or null.") from None
    return JSONResponse({"mfa": credentials.mfa_key is not None})


async def mutate(request: Request) -> JSONResponse:
    """Edit, approve, decline, delete and create records; answer what changed."""
    return JSONResponse(tenant_mutate(request.app.state.tenant, await _body(request)))


async def _body(request: Request) -> dict:
    """Return the JSON object body, {} when empty; anything else is a 400."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise invalid("body", "The body must be a JSON object.")
    return body


def _answering_errors(handler):
    """Turn an `ApiError` raised by a control handler into its response."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> JSONResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return error.response()

    return wrapped


ROUTES = [
    Route(path, _answering_errors(handler), methods=methods)
    for path, handler, methods in (
        ("/_sandbox/state", state, ["GET"]),
        ("/_sandbox/requests", requests_log, ["GET", "DELETE"]),
        ("/_sandbox/reset", reset, ["POST"]),
        ("/_sandbox/sessions/expire", sessions_expire, ["POST"]),
        ("/_sandbox/mfa", mfa, ["POST"]),
        ("/_sandbox/mutate", mutate, ["POST"]),
    )
]
