"""Carry out a decided `Job` over HTTP — no database here, so jobs can be sent from threads.

builder-backed.md, "What the client must do":
- Create = POST; a 409 on a record we believe new means it exists (perhaps our own POST whose
  answer was lost): switch to PUT, which replaces it with our full state. Never create twice.
- A PUT answering 404 for the record itself means it is gone remotely: POST it again.
- Homeowners added later go one by one to POST /homes/{externalId}/users; 409 "already exists"
  means it is there already (our earlier request's answer was lost), which is what we wanted.
Any other error ends the job; the outcome module decides what it means. One of our own services
failing mid-send (the cache behind the rate limiter, the database) is `LocalServiceFailed`:
transient, never the record's fault (issue 10 — a Redis restart once failed 17 homes for good).
"""

import logging
from dataclasses import dataclass, field

from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.references import Reference, already_exists, missing_reference
from integrations.builderbacked.sync.chain import chain_check
from integrations.builderbacked.sync.jobs import Action, Job
from integrations.errors import ApiError, LocalServiceFailed, infrastructure_failure

logger = logging.getLogger(__name__)


@dataclass
class Result:
    """What Builder Backed confirmed for one job, and the error that ended it, if any."""

    remote_id: int | None = None
    body_sent: bool = False  # Builder Backed now holds exactly job.body
    owners_published: list[int] = field(default_factory=list)
    owners_replaced: bool = False
    error: ApiError | None = None
    inactive_above: Reference | None = None  # a 404's parent is deactivated there, not missing


def job_send(job: Job, client: BuilderBackedClient) -> Result:
    """Send what `job` decided; never raise (an error is returned in the result)."""
    result = Result()
    try:
        if job.action == Action.CREATE:
            _create(job, client, result)
        elif job.action == Action.UPDATE:
            _update(job, client, result)
        _add_owners(job, client, result)
    except ApiError as error:
        result.error = error
        chain_check(job, client, result)  # deactivated remotely ≠ missing (issue 10, item 6)
    except Exception as exc:  # not an answer from Builder Backed: keep the worker alive
        result.error = _unexpected(job, exc)
    return result


def _unexpected(job: Job, exc: Exception) -> ApiError:
    """Map an exception that is no API answer: our own service failing is transient, else a bug."""
    if infrastructure_failure(exc):
        logger.warning("publishing %s %s: %r; will retry", job.kind.label, job.pk, exc)
        return LocalServiceFailed(f"Not sent: our own service failed ({exc!r})")
    logger.exception("publishing %s %s failed unexpectedly", job.kind.label, job.pk)
    return ApiError(f"Unexpected error while publishing: {exc!r}")


def _create(job: Job, client: BuilderBackedClient, result: Result) -> None:
    """POST; on "already exists" PUT instead. A new inactive location is then deactivated."""
    try:
        answer = _call(client, job, "create", job.create_body)
    except ApiError as error:
        if already_exists(error) is None:
            raise
        _put(job, client, result, with_owners=job.is_home)
        return
    result.remote_id = answer.get("id")
    result.owners_published = [pk for pk, _ in job.owners]
    result.owners_replaced = True
    if job.inactive:  # a POST creates active records (builder-backed.md, "Location PUT")
        _put(job, client, result, with_owners=False)
    else:
        result.body_sent = True


def _update(job: Job, client: BuilderBackedClient, result: Result) -> None:
    """PUT the body when it changed; a 404 naming this very record means: create it again."""
    if not job.put_body:
        return
    try:
        _put(job, client, result, with_owners=job.replace_owners)
    except ApiError as error:
        if missing_reference(error) != (job.kind.level, job.external_id):
            raise
        _create(job, client, result)


def _put(job: Job, client: BuilderBackedClient, result: Result, *, with_owners: bool) -> None:
    """PUT the full body; with `homeowners` it replaces the whole remote set."""
    body = dict(job.body)
    if with_owners:
        body["homeowners"] = [owner for _, owner in job.owners]
    answer = _call(client, job, "update", body)
    result.remote_id = answer.get("id", result.remote_id)
    result.body_sent = True
    if with_owners:
        result.owners_published = [pk for pk, _ in job.owners]
        result.owners_replaced = True


def _add_owners(job: Job, client: BuilderBackedClient, result: Result) -> None:
    """POST each homeowner added since the home was published, unless the set was just sent."""
    if result.owners_replaced:
        return
    for pk, owner in job.owners_to_add:
        try:
            client.add_homeowner(job.external_id, owner)
        except ApiError as error:
            duplicate = already_exists(error)
            if duplicate is None or duplicate.kind != "homeowner":
                raise
        result.owners_published.append(pk)


def _call(client: BuilderBackedClient, job: Job, verb: str, body: dict) -> dict:
    """Create or update one record of the job's level; return the JSON answer."""
    if job.is_home:
        answer = client.create_home(body) if verb == "create" else client.update_home(body)
    else:
        resource = client.location(job.kind.level)
        answer = resource.create(body) if verb == "create" else resource.update(body)
    return answer if isinstance(answer, dict) else {}
