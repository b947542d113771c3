"""Pull the projects list: incremental from the saved mark, or full (absence = deleted).

Projects come first (shared/contracts/portals.md, "Lists and incremental pulls"): their
`updatedAt` tells which projects' children are due (pull/children.py).
"""

from django.db import transaction

from integrations.portals.linking import projects_link_auto
from integrations.portals.models.mirrors import LinkState, Project
from integrations.portals.pull.context import PullContext
from integrations.portals.pull.normalize import MALFORMED, row_from_payload
from integrations.portals.pull.resources import PROJECTS
from integrations.portals.pull.upsert import mirror_upsert, missing_mark_deleted


def projects_rows(ctx: PullContext, payloads: list[dict]) -> list:
    """Normalize project payloads; a malformed one is reported and skipped."""
    rows = []
    for payload in payloads:
        try:
            rows.append(row_from_payload(payload, PROJECTS.mapper))
        except MALFORMED as exc:
            ctx.error(str(payload.get("id", "?")), PROJECTS.name, exc)
    return rows


def projects_pull(ctx: PullContext) -> None:
    """List projects (all on a full pull, changed ones otherwise) and mirror them."""
    since = None if ctx.full else ctx.since(PROJECTS.name)
    payloads = list(ctx.client.list_projects(updated_since=since))
    rows = projects_rows(ctx, payloads)
    with transaction.atomic():
        result = mirror_upsert(PROJECTS, connection=ctx.connection, rows=rows, now=ctx.now)
        if ctx.full:
            seen = {str(payload.get("id")) for payload in payloads}
            projects = Project.objects.filter(connection=ctx.connection)
            result.outcomes["deleted"] += missing_mark_deleted(PROJECTS, projects, seen, ctx.now)
        projects_link_auto(projects_to_link(ctx, result.changed))
    ctx.counts.add(PROJECTS.name, result.outcomes)
    ctx.mark_seen(PROJECTS.name, rows)


def projects_to_link(ctx: PullContext, changed: list[Project]) -> list[Project]:
    """Return the projects whose links to weigh: the changed ones, and on a full pull every live
    one not confirmed by staff (homes may have been added or edited since)."""
    if not ctx.full:
        return changed
    by_pk = {p.pk: p for p in changed}
    unconfirmed = Project.objects.filter(connection=ctx.connection, deleted=False).exclude(
        link_state=LinkState.CONFIRMED
    )
    return [*changed, *(p for p in unconfirmed if p.pk not in by_pk)]
