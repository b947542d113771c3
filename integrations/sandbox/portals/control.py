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
  POST   /_sandbox/mutate           move time forward (see `mutate.py` for the request/answer);
                                    with a webhook receiver registered, announce each change
  GET    /_sandbox/webhooks         {"url", "deliveries": [{"eventId", "event", "projectId",
                                    "objectId", "occurredAt", "timestamp", "status", "error"}]}
  POST   /_sandbox/webhooks         {"url": str | null, "secret": str}: register the receiver
  POST   /_sandbox/webhooks/send    {"event", "projectId", "objectId"?}: announce one event now
  POST   /_sandbox/webhooks/redeliver {"eventId", "times"?: n (1), "timestamp"?: Unix seconds}:
                                    send a stored event again (same body, newly signed)
(the sender is `webhooks.py`; send and redeliver answer {"deliveries": [...]} once sent)
(`PUT /_sandbox/faults` belongs to `integrations.sandbox.faults.FaultMiddleware`.)
"""

import functools
import json

from starlette.background import BackgroundTask
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
    """Edit, approve, decline, delete and create records; answer what changed, then announce it."""
    tenant = request.app.state.tenant
    summary = tenant_mutate(tenant, await _body(request))
    event_ids = tenant.webhooks.mutation_events(tenant, summary)
    background = BackgroundTask(tenant.webhooks.deliver_all, event_ids) if event_ids else None
    return JSONResponse(summary, background=background)


async def webhooks(request: Request) -> JSONResponse:
    """Show the receiver and every delivery (GET), or register the receiver (POST)."""
    sender = request.app.state.tenant.webhooks
    if request.method == "POST":
        body = await _body(request)
        url, secret = body.get("url"), body.get("secret", "")
        if url is not None and not (isinstance(url, str) and url.startswith("http")):
            raise invalid("url", "url must be an http(s) URL or null.")
        if not isinstance(secret, str) or (url and not secret):
            raise invalid("secret", "secret must be a non-empty string.")
        sender.register(url, secret)
    return JSONResponse({"url": sender.url, "deliveries": sender.deliveries})


async def webhooks_send(request: Request) -> JSONResponse:
    """Announce one event a test names, now, under a new event id."""
    body = await _body(request)
    sender = request.app.state.tenant.webhooks
    if not sender.url:
        raise invalid("url", "Register a receiver with POST /_sandbox/webhooks first.")
    for name in ("event", "projectId"):
        if not isinstance(body.get(name), str):
            raise invalid(name, f"{name} must be a string.")
    clock = request.app.state.tenant.clock
    event_id = sender.event_new(
        body["event"], body["projectId"], body.get("objectId"), format_timestamp(clock.now())
    )
    return JSONResponse({"deliveries": [await sender.deliver(event_id)]})


async def webhooks_redeliver(request: Request) -> JSONResponse:
    """Send a stored event again `times` times, newly signed (at `timestamp` when given)."""
    body = await _body(request)
    sender = request.app.state.tenant.webhooks
    event_id, times, timestamp = body.get("eventId"), body.get("times", 1), body.get("timestamp")
    if event_id not in sender.events:
        raise invalid("eventId", "eventId must name an event this sandbox sent.")
    if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 1000:
        raise invalid("times", "times must be a whole number from 1 to 1000.")
    if timestamp is not None and (isinstance(timestamp, bool) or not isinstance(timestamp, int)):
        raise invalid("timestamp", "timestamp must be Unix seconds.")
    return JSONResponse(
        {"deliveries": [await sender.deliver(event_id, timestamp) for _ in range(times)]}
    )


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
        ("/_sandbox/webhooks", webhooks, ["GET", "POST"]),
        ("/_sandbox/webhooks/send", webhooks_send, ["POST"]),
        ("/_sandbox/webhooks/redeliver", webhooks_redeliver, ["POST"]),
    )
]
