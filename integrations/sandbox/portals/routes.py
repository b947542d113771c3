"""Serve the portal API: sessions, then the resources table of shared/contracts/portals.md.

Every call except the two session endpoints needs a live Bearer token — checked first, so an
unauthenticated caller learns nothing else. Then the path and method are looked up in `ENDPOINTS`;
a combination the portal does not offer (a "—" in the contract's table, or no such endpoint at
all) is a 404 `not_supported` ("Fine points").
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse

from integrations.sandbox.portals import create
from integrations.sandbox.portals.errors import ApiError, invalid, not_found, not_supported
from integrations.sandbox.portals.idempotency import fingerprint
from integrations.sandbox.portals.lists import next_cursor, page_query
from integrations.sandbox.portals.shapes import list_item_render, record_render
from integrations.sandbox.portals.spec import (
    CHANGE_ORDERS,
    PROJECTS,
    PURCHASE_ORDERS,
    SCHEDULE_TASKS,
    SELECTIONS,
    PortalSpec,
)
from integrations.sandbox.portals.tenant import Tenant


@dataclass(frozen=True)
class Endpoint:
    method: str
    pattern: re.Pattern
    handler: Callable
    offered: Callable[[PortalSpec], bool]
    kind: str


def _endpoint(method: str, template: str, handler, kind: str, offered) -> Endpoint:
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + r"\Z")
    return Endpoint(method, pattern, handler, offered, kind)


async def sessions_create(request: Request) -> JSONResponse:
    """POST /sessions: log in with the tenant's credentials (and mfaCode when demanded)."""
    tenant: Tenant = request.app.state.tenant
    try:
        return JSONResponse(tenant.sessions.login(tenant.credentials, await json_body(request)))
    except ApiError as error:
        return error.response()


async def sessions_refresh(request: Request) -> JSONResponse:
    """POST /sessions/refresh: rotate the refresh token."""
    tenant: Tenant = request.app.state.tenant
    try:
        return JSONResponse(tenant.sessions.rotate(await json_body(request)))
    except ApiError as error:
        return error.response()


async def api(request: Request) -> JSONResponse:
    """Authenticate, find the endpoint, and answer it (or its error)."""
    tenant: Tenant = request.app.state.tenant
    try:
        tenant.sessions.check(request.headers.get("authorization"))
        endpoint, params = _resolve(tenant.spec, request.method, request.url.path)
        return await endpoint.handler(request, tenant, endpoint.kind, **params)
    except ApiError as error:
        return error.response()


def _resolve(spec: PortalSpec, method: str, path: str) -> tuple[Endpoint, dict]:
    for endpoint in ENDPOINTS:
        match = endpoint.pattern.match(path)
        if match and endpoint.method == method and endpoint.offered(spec):
            return endpoint, match.groupdict()
    raise not_supported(method, path)


async def json_body(request: Request) -> dict:
    """Return the request's JSON object body; anything else is a 400."""
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        raise invalid("body", "The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise invalid("body", "The body must be a JSON object.")
    return body


async def projects_list(request: Request, tenant: Tenant, kind: str) -> JSONResponse:
    """GET /projects, filtered by `status` and `updatedSince`."""
    return _page(request, tenant, tenant.store.projects, filters_status=True)


async def children_list(request: Request, tenant: Tenant, kind: str, projectId: str):
    """GET /projects/{projectId}/<children>."""
    project = _project(tenant, projectId)
    return _page(request, tenant, tenant.store.records(kind, project.id))


def _page(request: Request, tenant: Tenant, records: list, *, filters_status: bool = False):
    path, params = request.url.path, request.query_params
    query = page_query(path, params, filters_status=filters_status)
    found, after = tenant.store.page(records, query)
    return JSONResponse(
        {
            "data": [list_item_render(tenant.spec, record) for record in found],
            "nextCursor": next_cursor(path, params, after, filters_status=filters_status),
        }
    )


async def child_create(request: Request, tenant: Tenant, kind: str, projectId: str):
    """POST /projects/{projectId}/<children>: create once per Idempotency-Key, answer 201."""
    key = tenant.idempotency.key(request.headers)
    body = await json_body(request)
    request_print = fingerprint(request.url.path, body)
    remembered = tenant.idempotency.replay(key, request_print)
    if remembered is not None:
        return JSONResponse(remembered.body, status_code=remembered.status)
    project = _project(tenant, projectId)
    record = create.CREATORS[kind](tenant.store, project, body)
    data = record_render(tenant.spec, record)
    tenant.idempotency.remember(key, request_print, 201, data)
    return JSONResponse(data, status_code=201)


async def task_patch(request: Request, tenant: Tenant, kind: str, projectId: str, taskId: str):
    """PATCH /projects/{projectId}/schedule/tasks/{taskId}: dates, progress, dependencies."""
    project = _project(tenant, projectId)
    task = tenant.store.get(SCHEDULE_TASKS, taskId)
    if task is None or task.project_id != project.id:
        raise not_found("schedule task", taskId)
    record = create.task_update(tenant.store, task, await json_body(request))
    return JSONResponse(record_render(tenant.spec, record))


def _project(tenant: Tenant, project_id: str):
    project = tenant.store.get(PROJECTS, project_id)
    if project is None:
        raise not_found("project", project_id)
    return project


def _lists(kind):
    return lambda spec: kind in spec.child_kinds


def _creates(kind):
    return lambda spec: kind in spec.creatable


CHILD_PATHS = {
    SELECTIONS: "selections",
    CHANGE_ORDERS: "change-orders",
    PURCHASE_ORDERS: "purchase-orders",
    SCHEDULE_TASKS: "schedule/tasks",
}

ENDPOINTS = (
    _endpoint("GET", "/projects", projects_list, PROJECTS, lambda spec: True),
    *(
        _endpoint("GET", f"/projects/{{projectId}}/{path}", children_list, kind, _lists(kind))
        for kind, path in CHILD_PATHS.items()
    ),
    *(
        _endpoint("POST", f"/projects/{{projectId}}/{path}", child_create, kind, _creates(kind))
        for kind, path in CHILD_PATHS.items()
        if kind != SCHEDULE_TASKS
    ),
    _endpoint(
        "PATCH",
        "/projects/{projectId}/schedule/tasks/{taskId}",
        task_patch,
        SCHEDULE_TASKS,
        lambda spec: spec.patches_tasks,
    ),
)
