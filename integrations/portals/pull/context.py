"""Hold one pull's state, and open and close its PullRun record and the connection's health."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from integrations import errors
from integrations.portals.crypto import SecretUnreadable
from integrations.portals.hosts import CredentialsWithheld
from integrations.portals.models.connection import PortalConnection, PullKind, PullRun, PullStatus
from integrations.portals.pull.config import pull_overlap
from integrations.portals.pull.counts import PullCounts
from integrations.portals.pull.lease import LeaseLost
from integrations.portals.pull.normalize import Row
from integrations.portals.schema import format_datetime, parse_datetime

logger = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 500


# Our own words for each failure: a remote's error body may carry anything (its internals, a
# hostile host's text), and last_error and PullRun.errors are shown to every Viewer.
PUBLIC_WORDS: tuple[tuple[type[BaseException], str], ...] = (
    (errors.ValidationFailed, "The portal refused the request as invalid"),
    (errors.Unauthorized, "The portal refused the stored login"),
    (errors.Forbidden, "The portal refused access"),
    (errors.NotSupported, "The portal does not offer this"),
    (errors.NotFound, "The portal does not know the record"),
    (errors.Conflict, "The portal reported a conflict"),
    (errors.RateLimited, "The portal asked us to slow down"),
    (errors.ServerError, "The portal failed to answer"),
    (errors.Timeout, "The portal did not answer in time"),
    (errors.ConnectionFailed, "Could not reach the portal"),
    (errors.LocalServiceFailed, "Not sent: our own cache, broker or database failed"),
    (errors.ApiError, "The portal answered with an error"),
)


# The contract's own error codes ("Sessions", "Fine points") say more than the class; any other
# code is the remote's text and is left out.
CODE_WORDS = {
    "invalid_credentials": "The portal refused the stored username and password",
    "mfa_required": "The portal demands an MFA code: enter the tenant's MFA secret",
    "not_supported": "The portal does not offer this",
}


def error_public(exc: BaseException) -> str:
    """Say what failed in our own words plus the status code — never the remote's text."""
    if isinstance(exc, SecretUnreadable | CredentialsWithheld | LeaseLost | errors.CircuitOpen):
        return str(exc)  # our own messages
    for error_class, words in PUBLIC_WORDS:
        if isinstance(exc, error_class):
            words = CODE_WORDS.get(exc.code or "", words)
            where = f"{exc.method} {exc.path}" if exc.method and exc.path else ""
            status = f"HTTP {exc.status}" if exc.status else ""
            detail = ", ".join(part for part in (status, where) if part)
            return f"{words} ({detail})." if detail else f"{words}."
    return f"Unexpected error ({type(exc).__name__})."


def no_progress(done: int, total: int) -> None:
    """Ignore progress (the default callback)."""


@dataclass
class PullContext:
    connection: PortalConnection
    run: PullRun
    client: object  # a PortalClient
    lease_token: str
    full: bool = False
    progress: Callable[[int, int], None] = no_progress
    counts: PullCounts = field(default_factory=PullCounts)
    errors: list[dict] = field(default_factory=list)
    marks: dict[str, datetime] = field(default_factory=dict)
    requests_before: int = 0
    failed: int = 0  # errors recorded, even beyond the MAX_ERRORS_KEPT stored

    @property
    def now(self) -> datetime:
        return self.run.started_at

    def error(self, project_id: str, resource: str, exc: BaseException) -> None:
        """Record that one project (or one of its resources) failed, and go on."""
        message = error_public(exc)
        # The remote's own words go to the operators' log only (never to a page; see above).
        logger.warning(
            "Pull of %s: project %s %s failed: %r", self.connection, project_id, resource, exc
        )
        self.failed += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"project_id": project_id, "resource": resource, "error": message})

    def mark_seen(self, resource: str, rows: list[Row]) -> None:
        """Raise a resource's high-water mark to the newest `updatedAt` among rows."""
        stamps = [row.updated_at for row in rows if row.updated_at is not None]
        if stamps:
            newest = max(stamps)
            self.marks[resource] = max(self.marks.get(resource, newest), newest)

    def since(self, resource: str) -> datetime | None:
        """Return where an incremental list of `resource` starts: its saved mark - overlap."""
        saved = self.connection.high_water_marks.get(resource)
        return parse_datetime(saved) - pull_overlap() if saved else None


def pull_run_start(connection: PortalConnection, kind: str) -> PullRun:
    """Open a PullRun and note the start on the connection."""
    now = timezone.now()
    connection.last_pull_started_at = now
    connection.save(update_fields=["last_pull_started_at", "updated_at"])
    return PullRun.objects.create(connection=connection, kind=kind, started_at=now)


def marks_merge(saved: dict, seen: dict[str, datetime]) -> dict:
    """Return the saved marks raised to what this run saw (never lowered)."""
    merged = dict(saved)
    for resource, stamp in seen.items():
        old = parse_datetime(saved[resource]) if saved.get(resource) else None
        merged[resource] = format_datetime(max(stamp, old) if old else stamp)
    return merged


def pull_run_finish(ctx: PullContext, failure: BaseException | None = None) -> PullRun:
    """Close the PullRun with its counts, and update the connection's health and marks."""
    run, connection = ctx.run, ctx.connection
    run.finished_at = timezone.now()
    run.status = (
        PullStatus.FAILED if failure else PullStatus.PARTIAL if ctx.failed else PullStatus.SUCCEEDED
    )
    run.counts = ctx.counts.as_dict()
    for outcome in ("new", "updated", "deleted", "unchanged"):
        setattr(run, f"{outcome}_count", ctx.counts.total(outcome))
    run.requests_made = ctx.client.request_count - ctx.requests_before if ctx.client else 0
    run.errors = ctx.errors
    fields = ["last_error", "updated_at"]
    if failure is None:
        connection.last_success_at = run.finished_at
        fields += ["last_success_at", "high_water_marks"]
        if run.kind != PullKind.TARGETED:
            connection.high_water_marks = marks_merge(connection.high_water_marks, ctx.marks)
    connection.last_error = error_summary(ctx, failure)
    with transaction.atomic():
        run.save()
        connection.save(update_fields=fields)
    return run


def error_summary(ctx: PullContext, failure: BaseException | None) -> str:
    """Say in one line what went wrong ("" when nothing did). Never includes a secret."""
    if failure is not None:
        logger.warning("Pull of %s failed: %r", ctx.connection, failure)
        return error_public(failure)
    if not ctx.failed:
        return ""
    first = ctx.errors[0]
    return (
        f"{ctx.failed} project(s) failed; first: project {first['project_id']} "
        f"{first['resource']}: {first['error']}"
    )
