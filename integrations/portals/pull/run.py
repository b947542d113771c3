"""Run a pull of one connection: lease, PullRun, projects, then children (or one project).

`portal_pull` is the whole pull (incremental, or full on demand); `portal_pull_targeted` is what a
webhook asks for: one project's named resource, listed in full. Both hold the connection's lease,
so no two pulls of a connection ever run at once (PullBusy otherwise).
"""

from collections.abc import Callable

from integrations.errors import ApiError
from integrations.portals.crypto import SecretUnreadable
from integrations.portals.hosts import CredentialsWithheld
from integrations.portals.models.connection import PortalConnection, PullKind, PullRun
from integrations.portals.models.mirrors import Project
from integrations.portals.pull.children import children_pull, project_children_pull
from integrations.portals.pull.context import (
    PullContext,
    no_progress,
    pull_run_finish,
    pull_run_start,
)
from integrations.portals.pull.lease import (
    LeaseLost,
    lease_acquire,
    lease_held,
    lease_release,
    lease_renew,
)
from integrations.portals.pull.projects import projects_pull
from integrations.portals.pull.resources import child_resources_offered
from integrations.portals.services import portal_connection_client

# A run that ends in one of these is recorded as failed; anything else is a bug and re-raised.
EXPECTED_FAILURES = (ApiError, SecretUnreadable, LeaseLost, CredentialsWithheld)


def portal_pull(
    *,
    connection_id: int,
    full: bool = False,
    progress: Callable[[int, int], None] = no_progress,
    client=None,
) -> PullRun:
    """Pull one connection — incrementally, or in full — and return its PullRun."""
    kind = PullKind.FULL if full else PullKind.INCREMENTAL
    return _leased(connection_id, kind, client, progress, lambda ctx: _whole(ctx, full))


def portal_pull_targeted(
    *, connection_id: int, project_id: str, resource: str | None = None, client=None
) -> PullRun:
    """Pull one project's `resource` (all its children when None); unknown project → incremental."""
    return _leased(
        connection_id, PullKind.TARGETED, client, no_progress,
        lambda ctx: _targeted(ctx, project_id, resource),
    )  # fmt: skip


def _whole(ctx: PullContext, full: bool) -> None:
    ctx.full = full
    projects_pull(ctx)
    lease_renew(ctx.connection.pk, ctx.lease_token)  # a long projects list mustn't outlive it
    children_pull(ctx)


def _targeted(ctx: PullContext, project_id: str, resource: str | None) -> None:
    project = Project.objects.filter(connection=ctx.connection, remote_id=project_id).first()
    if project is None or project.deleted:
        # New to us (or back from the dead): only the projects list can say; pull incrementally.
        ctx.run.kind = PullKind.INCREMENTAL
        return _whole(ctx, full=False)
    offered = child_resources_offered(ctx.client)
    wanted = [r for r in offered if resource is None or r.name == resource]
    project_children_pull(ctx, project, tuple(wanted or offered))
    return None


def _leased(connection_id, kind, client, progress, body) -> PullRun:
    """Run `body(ctx)` under the connection's lease, recording the run; return the run."""
    token = lease_acquire(connection_id)
    try:
        with lease_held(connection_id, token):
            return _recorded(connection_id, kind, client, progress, body, token)
    finally:
        lease_release(connection_id, token)


def _recorded(connection_id, kind, client, progress, body, token) -> PullRun:
    """Run `body(ctx)` as one PullRun, recording how it ended; return the run."""
    connection = PortalConnection.objects.get(pk=connection_id)
    run = pull_run_start(connection, kind)
    ctx = PullContext(connection, run, client, token, progress=progress)
    try:
        ctx.client = client or portal_connection_client(connection)
        ctx.requests_before = ctx.client.request_count
        body(ctx)
    except Exception as exc:
        pull_run_finish(ctx, failure=exc)
        if not isinstance(exc, EXPECTED_FAILURES):
            raise
        return ctx.run
    finally:
        if client is None and ctx.client is not None:
            ctx.client.close()
    return pull_run_finish(ctx)
