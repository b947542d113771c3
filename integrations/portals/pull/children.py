"""Pull projects' children — selections, change orders, purchase orders, schedule tasks.

Which projects: on a full pull, every live one (full listings; absence = deleted). Incrementally,
when a child change bumps its project (config.child_changes_bump_project), only projects whose
`updatedAt` moved past `children_mark`, asked `updatedSince=children_mark`: every child change since
then is stamped later, so nothing is missed even when an earlier run failed halfway. Otherwise every
known project is asked with each resource's saved high-water mark. A project whose children fail
is reported, its `children_mark` cleared (the next pull lists its children in full), and the run
goes on.
"""

from django.db import transaction
from django.db.models import F, Q

from integrations.portals.models.mirrors import Project
from integrations.portals.pull import config
from integrations.portals.pull.context import PullContext
from integrations.portals.pull.fetch import (
    ChildrenJob,
    ChildrenResult,
    children_fetch,
    children_fetch_one,
)
from integrations.portals.pull.lease import lease_renew
from integrations.portals.pull.normalize import MALFORMED, row_from_payload
from integrations.portals.pull.resources import Resource, child_resources_offered
from integrations.portals.pull.upsert import chunks, mirror_upsert


def children_plan(ctx: PullContext, resources: tuple[Resource, ...]) -> list[ChildrenJob]:
    """Return the projects whose children this pull fetches, each with its `updatedSince`."""
    bump = config.child_changes_bump_project()
    projects = Project.objects.filter(connection=ctx.connection, deleted=False)
    if not ctx.full and bump:
        behind = Q(children_mark__lt=F("remote_updated_at"))
        projects = projects.filter(Q(children_mark__isnull=True) | behind)
    jobs = []
    rows = projects.order_by("pk").values_list(
        "pk", "remote_id", "children_mark", "remote_updated_at"
    )
    for pk, remote_id, children_mark, remote_updated_at in rows:
        if ctx.full or children_mark is None:
            since = dict.fromkeys(r.name for r in resources)
        elif bump:
            since = dict.fromkeys((r.name for r in resources), children_mark)
        else:
            since = {r.name: ctx.since(r.name) for r in resources}
        jobs.append(ChildrenJob(pk, remote_id, since, remote_updated_at or ctx.now))
    return jobs


def children_pull(ctx: PullContext) -> None:
    """Fetch the planned projects' children concurrently and write them batch by batch."""
    resources = child_resources_offered(ctx.client)
    jobs = children_plan(ctx, resources)
    ctx.progress(0, len(jobs))
    batches = children_fetch(
        ctx.client, resources, jobs,
        workers=config.pull_workers(), batch_size=config.pull_batch_size(),
    )  # fmt: skip
    for batch in batches:
        lease_renew(ctx.connection.pk, ctx.lease_token)
        children_write(ctx, resources, batch)
        ctx.run.projects_processed += len(batch)
        ctx.progress(ctx.run.projects_processed, len(jobs))


def children_rows(ctx: PullContext, resources, result: ChildrenResult) -> dict | None:
    """Normalize one project's children by resource; None (reported) if anything failed."""
    project_id = result.job.project_remote_id
    if result.error is not None:
        ctx.error(project_id, result.failed_resource, result.error)
        return None
    try:
        return {
            r.name: [row_from_payload(p, r.mapper) for p in result.records[r.name]]
            for r in resources
        }
    except MALFORMED as exc:
        ctx.error(project_id, "", exc)
        return None


def children_write(ctx: PullContext, resources, batch: list[ChildrenResult]) -> None:
    """Mirror a batch of projects' children in one transaction, and move their marks."""
    good, failed = [], []
    for result in batch:
        rows = children_rows(ctx, resources, result)
        (failed if rows is None else good).append((result.job, rows))
    with transaction.atomic():
        for resource in resources:
            resource_write(ctx, resource, [(job, rows[resource.name]) for job, rows in good])
        marks = [Project(pk=job.project_pk, children_mark=job.mark) for job, _ in good]
        marks += [Project(pk=job.project_pk, children_mark=None) for job, _ in failed]
        Project.objects.bulk_update(marks, ["children_mark"], batch_size=500)


def resource_write(ctx: PullContext, resource: Resource, listed: list[tuple[ChildrenJob, list]]):
    """Upsert one resource's rows for several projects; full listings also mark absences."""
    rows = [row for _, project_rows in listed for row in project_rows]
    extra = {
        row.remote_id: {"project_id": job.project_pk}
        for job, project_rows in listed
        for row in project_rows
    }
    result = mirror_upsert(resource, connection=ctx.connection, rows=rows, extra=extra, now=ctx.now)
    full = {
        job.project_pk: {row.remote_id for row in project_rows}
        for job, project_rows in listed
        if job.since.get(resource.name) is None
    }
    result.outcomes["deleted"] += children_missing_mark_deleted(ctx, resource, full)
    ctx.counts.add(resource.name, result.outcomes)
    ctx.mark_seen(resource.name, rows)


def children_missing_mark_deleted(
    ctx: PullContext, resource: Resource, seen_by_project: dict[int, set[str]]
) -> int:
    """Mark deleted the live children of fully listed projects that the listing left out."""
    missing = []
    for part in chunks(list(seen_by_project)):
        live = resource.model.objects.filter(
            connection=ctx.connection, project_id__in=part, deleted=False
        ).values_list("pk", "project_id", "remote_id")
        missing += [pk for pk, project_pk, rid in live if rid not in seen_by_project[project_pk]]
    for part in chunks(missing):
        resource.model.objects.filter(pk__in=part).update(
            deleted=True, deleted_at=ctx.now, updated_at=ctx.now
        )
    return len(missing)


def project_children_pull(ctx: PullContext, project: Project, resources) -> None:
    """Fetch some of one project's children in full, now (a webhook's targeted pull).

    Its `children_mark` stays where it was: the other resources were not looked at.
    """
    since = dict.fromkeys(r.name for r in resources)
    job = ChildrenJob(project.pk, project.remote_id, since, project.children_mark)
    children_write(ctx, resources, [children_fetch_one(ctx.client, resources, job)])
    ctx.run.projects_processed += 1
