"""Test-only endpoints under `/_sandbox/`: no auth, never faulted, never logged.

GET  /_sandbox/state             every record, in the API's shapes (divisions add regionName)
GET  /_sandbox/requests          the request log (see requestlog.py for one record's shape)
GET  /_sandbox/requests/summary  {"total", "byStatus", "createdTwice", "earlyRetries"}
POST /_sandbox/reset             forget all records and the log; configured regions come back
POST /_sandbox/regions           {"name": "Dayton", "active": true} add or (de)activate a region
POST /_sandbox/tokens/expire     every issued token is expired from now on
PUT  /_sandbox/faults            change faults at run time (answered by FaultMiddleware)
POST /_sandbox/mutate            change a record behind the client's back (drift tests, issue 10):
                                 {"level": "neighborhoods", "externalId": "N1", "set": {"name": …}}
                                 sets fields (`"active": false` deactivates it); `"delete": true`
                                 removes it; level is divisions, master-communities,
                                 neighborhoods or homes
"""

from .errors import ApiError
from .oauth import TokenIssuer
from .requestlog import RequestLog
from .routing import Call, Route, route
from .store import Store
from .validation import optional_boolean, required_string


def control_routes(store: Store, issuer: TokenIssuer, log: RequestLog) -> list[Route]:
    """The `/_sandbox/` routes over this app's store, tokens and log."""

    async def state(call: Call):
        return store.dump()

    async def requests(call: Call):
        return list(log.records)

    async def requests_summary(call: Call):
        return log.summary()

    async def reset(call: Call):
        store.reset()
        log.clear()
        return store.dump()

    async def regions(call: Call):
        name = required_string(call.body, "name")
        return store.region_set(name=name, active=optional_boolean(call.body, "active", True))

    async def tokens_expire(call: Call):
        return {"expired": issuer.expire_all()}

    async def mutate(call: Call):
        level = required_string(call.body, "level")
        external_id = required_string(call.body, "externalId")
        if call.body.get("delete"):
            return {"deleted": store.record_delete(level, external_id)}
        changes = call.body.get("set")
        if not isinstance(changes, dict):
            raise ApiError(400, "Field 'set' is required")
        return store.record_set(level, external_id, changes)

    open_route = {"kind": "open"}
    return [
        route("GET", "/_sandbox/state", state, **open_route),
        route("GET", "/_sandbox/requests", requests, **open_route),
        route("GET", "/_sandbox/requests/summary", requests_summary, **open_route),
        route("POST", "/_sandbox/reset", reset, **open_route, json_body=False),
        route("POST", "/_sandbox/regions", regions, **open_route),
        route("POST", "/_sandbox/tokens/expire", tokens_expire, **open_route, json_body=False),
        route("POST", "/_sandbox/mutate", mutate, **open_route),
    ]
