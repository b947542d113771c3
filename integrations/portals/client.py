"""Call a construction portal's API layer — the client Buildertrend and CoConstruct share.

shared/contracts/portals.md gives both portals one API; they differ only in which resources they
offer ("Resources" table). `PortalClient` implements them all; a subclass names its portal and
lists its `offers`, and anything else raises `NotSupported` before a request is made. Shapes and
value formats live in `schema`, sessions in `session`.

Lists are pulled page by page (`iter_pages`, following `nextCursor`); `list_*` methods yield
records. `request_count` counts every request put on the wire, for the pull run's record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import httpx
from django.conf import settings
from django.utils.crypto import salted_hmac

from integrations import errors
from integrations.breaker.state import CircuitBreaker
from integrations.http import BaseClient, RetryPolicy
from integrations.portals import schema
from integrations.portals.session import CacheSessionStore, PortalSessionAuth, SessionStore
from integrations.ratelimit import SharedBackoff

ALL_OPERATIONS = frozenset(
    {
        "list_projects",
        "list_selections",
        "create_selection",
        "list_change_orders",
        "create_change_order",
        "list_purchase_orders",
        "create_purchase_order",
        "list_schedule_tasks",
        "update_schedule_task",
    }
)
LOGIN_HINTS = {"credentials": "check the connection's username, password and MFA secret"}
PULL_PAGE_LIMIT = 500  # the contract's maximum: fewest requests per pull


def tenant_key_for(portal: str, base_url: str) -> str:
    """Return a stable key for one portal tenant (its base URL): its rate limit is shared."""
    return f"{portal}:{hashlib.sha256(str(base_url).encode()).hexdigest()[:32]}"


def credentials_digest(password: str, mfa_secret: str | None) -> str:
    """Name one set of login secrets without revealing them (an HMAC under SECRET_KEY).

    Part of the breaker's key: a login refused with these secrets pauses them only, so staff who
    enter a new password (or add the MFA secret) are tried at once, not after the next probe.
    """
    material = f"{password}\0{mfa_secret or ''}"
    digest = salted_hmac("integrations.portals.breaker", material, algorithm="sha256")
    return digest.hexdigest()[:16]


def session_key_for(portal: str, base_url: str, username: str) -> str:
    """Return a stable session-store key for one portal login, from non-secret parts."""
    digest = hashlib.sha256(f"{base_url}|{username}".encode()).hexdigest()[:32]
    return f"{portal}:{digest}"


class PortalClient(BaseClient):
    """Pull and push one tenant's construction data through a portal's API layer."""

    portal_name: ClassVar[str] = "portal"
    offers: ClassVar[frozenset[str]] = ALL_OPERATIONS
    # Every POST carries an Idempotency-Key, reused on each retry, so a repeat returns the first
    # result instead of a duplicate (contract: "Common"); PATCH sets absolute values.
    retry_unsafe = True

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        mfa_secret: str | None = None,
        *,
        session_store: SessionStore | None = None,
        connection_key: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        page_limit: int = PULL_PAGE_LIMIT,
        clock: Callable[[], float] = time.time,
    ):
        self.session = PortalSessionAuth(
            base_url=base_url,
            username=username,
            password=password,
            mfa_secret=mfa_secret or None,
            store=session_store or CacheSessionStore(),
            key=connection_key or session_key_for(self.portal_name, base_url, username),
            clock=clock,
        )
        if timeout is None:
            timeout = settings.PORTAL_TIMEOUT_SECONDS
        retry = retry or RetryPolicy()
        super().__init__(
            base_url,
            timeout=timeout,
            auth=self.session,
            transport=transport,
            retry=retry,
            # One back-off per tenant, shared by every pull (and push) of every worker; one
            # breaker per login, so a refused password pauses that connection only (issue 10).
            backoff=SharedBackoff(
                key=f"portals:{tenant_key_for(self.portal_name, base_url)}:backoff",
                max_wait=retry.timeout,
            ),
            breaker=CircuitBreaker(
                key=f"portals:{self.session.key}:{credentials_digest(password, mfa_secret)}",
                label=f"{self.portal_name.capitalize()} (login {username})",
                hints=LOGIN_HINTS,
                activity="pulling from this connection",
            ),
        )
        self.page_limit = page_limit

    def error_details(self, response: httpx.Response) -> errors.ErrorDetails:
        """Read the portal error body (schema.error_details)."""
        return schema.error_details(response)

    def supports(self, operation: str) -> bool:
        """Say whether this portal offers an operation (a method name such as `list_projects`)."""
        return operation in self.offers

    def post(self, path: str, body: dict, *, idempotency_key: str | None = None) -> dict:
        """Create a record, sending one Idempotency-Key (new, or given to replay) on every try."""
        key = idempotency_key or str(uuid.uuid4())
        return self.request("POST", path, json=body, headers={schema.IDEMPOTENCY_KEY: key})

    def iter_pages(self, path: str, params: dict | None = None) -> Iterator[list[dict]]:
        """Yield each page's records, following `nextCursor` until the last page."""
        params = {schema.LIMIT: self.page_limit, **(params or {})}
        cursor = None
        while True:
            body = self.request("GET", path, params={**params, schema.CURSOR: cursor})
            records, cursor = schema.read_page(body)
            yield records
            if cursor is None:
                return

    def list_projects(
        self, updated_since: dt.datetime | None = None, status: str | None = None
    ) -> Iterator[dict]:
        """Yield projects, optionally only those updated since a time or in one status."""
        self._require("list_projects")
        if status is not None and status not in schema.PROJECT_STATUSES:
            raise ValueError(f"status must be one of {schema.PROJECT_STATUSES}, got {status!r}")
        return self._records(schema.projects_path(), updated_since, **{schema.STATUS: status})

    def list_selections(
        self, project_id: str, updated_since: dt.datetime | None = None
    ) -> Iterator[dict]:
        """Yield a project's selections."""
        self._require("list_selections")
        return self._records(schema.project_path(project_id, "selections"), updated_since)

    def list_change_orders(
        self, project_id: str, updated_since: dt.datetime | None = None
    ) -> Iterator[dict]:
        """Yield a project's change orders."""
        self._require("list_change_orders")
        return self._records(schema.project_path(project_id, "change-orders"), updated_since)

    def list_purchase_orders(
        self, project_id: str, updated_since: dt.datetime | None = None
    ) -> Iterator[dict]:
        """Yield a project's purchase orders."""
        self._require("list_purchase_orders")
        return self._records(schema.project_path(project_id, "purchase-orders"), updated_since)

    def list_schedule_tasks(
        self, project_id: str, updated_since: dt.datetime | None = None
    ) -> Iterator[dict]:
        """Yield a project's schedule tasks."""
        self._require("list_schedule_tasks")
        return self._records(schema.project_path(project_id, "schedule/tasks"), updated_since)

    def create_selection(
        self, project_id: str, body: dict, *, idempotency_key: str | None = None
    ) -> dict:
        """Create a selection group with options and pricing; return it (201)."""
        self._require("create_selection")
        path = schema.project_path(project_id, "selections")
        return self.post(path, body, idempotency_key=idempotency_key)

    def create_change_order(
        self, project_id: str, body: dict, *, idempotency_key: str | None = None
    ) -> dict:
        """Create a client change order; return it with the totals the portal computed (201)."""
        self._require("create_change_order")
        path = schema.project_path(project_id, "change-orders")
        return self.post(path, body, idempotency_key=idempotency_key)

    def create_purchase_order(
        self, project_id: str, body: dict, *, idempotency_key: str | None = None
    ) -> dict:
        """Issue a purchase order to a trade; return it (201)."""
        self._require("create_purchase_order")
        path = schema.project_path(project_id, "purchase-orders")
        return self.post(path, body, idempotency_key=idempotency_key)

    def update_schedule_task(self, project_id: str, task_id: str, changes: dict) -> dict:
        """Change a task's dates, dependencies or progress; return the task."""
        self._require("update_schedule_task")
        path = schema.schedule_task_path(project_id, task_id)
        return self.request("PATCH", path, json=changes)

    def _records(self, path: str, updated_since: dt.datetime | None, **filters: Any):
        """Return an iterator over every record of a list, page after page."""
        params = schema.list_params(limit=self.page_limit, updated_since=updated_since, **filters)
        return itertools.chain.from_iterable(self.iter_pages(path, params))

    def _require(self, operation: str) -> None:
        """Raise NotSupported, without a request, for an operation this portal lacks."""
        if operation not in self.offers:
            raise errors.NotSupported(
                f"{self.portal_name} does not offer {operation} "
                "(shared/contracts/portals.md, Resources)",
                code="not_supported",
            )
