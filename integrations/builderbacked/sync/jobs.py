"""Decide, from a record's fresh state, what one publish must do — before any HTTP.

A `Job` is plain data (payloads computed, parent looked at), so sending it needs no database and
can run in a thread. The decision (builder-backed.md, "What the client must do"):

    not due or not approved   → SKIP       nothing is sent (only approved state ever is)
    parent not yet published  → WAIT       nudge the parent, try again when it is published
      or deactivated on                    …or wait until staff re-publish it as active
      Builder Backed's side
    itself deactivated there, → HOLD       nothing is sent: a PUT would silently re-activate it
      active here                          (issue 10, item 6: staff decide, never a side effect)
    never published           → CREATE     POST (a home with all its homeowners)
    published, hash unchanged,
      no homeowner to send    → UNCHANGED  no request at all
    published otherwise       → UPDATE     PUT when the body changed or the homeowner set must be
                                           replaced; POST …/users for homeowners added since
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Prefetch

from builderops.core.publishing import DUE_STATES, SyncState
from homes.models import Homeowner
from integrations.builderbacked.payloads import (
    homeowner_body,
    payload_hash,
    record_body,
    record_create_body,
)
from integrations.builderbacked.references import Level
from integrations.builderbacked.sync.registry import Kind


class Action(StrEnum):
    SKIP = "skip"
    WAIT = "wait"
    HOLD = "hold"
    UNCHANGED = "unchanged"
    CREATE = "create"
    UPDATE = "update"


@dataclass(frozen=True)
class Parent:
    """What a publish needs to know about the record above (a region for a division)."""

    label: str
    pk: int
    level: Level
    key: str  # external id, or a region's name
    text: str
    published: bool
    approved: bool
    active: bool
    failed: bool
    remote_inactive: bool = False  # Builder Backed shows it deactivated; ours is active

    @property
    def reference(self) -> tuple[Level, str]:
        return (self.level, self.key)


@dataclass
class Job:
    """One record's publish, decided: what to send, and what the record looked like."""

    kind: Kind
    pk: int
    token: str
    version: int
    external_id: str
    text: str
    action: Action
    parent: Parent | None = None
    attempts: int = 0
    due: bool = False
    remote_id: int | None = None
    body: dict = field(default_factory=dict)
    body_hash: str = ""
    create_body: dict = field(default_factory=dict)
    put_body: bool = False  # UPDATE: the body changed (or the owner set is replaced)
    owners: list[tuple[int, dict]] = field(default_factory=list)  # every current homeowner
    owners_to_add: list[tuple[int, dict]] = field(default_factory=list)
    replace_owners: bool = False
    inactive: bool = False

    @property
    def sends(self) -> bool:
        """Say whether this job makes HTTP requests."""
        return self.action in (Action.CREATE, Action.UPDATE)

    @property
    def is_home(self) -> bool:
        return self.kind.level == Level.HOME


def jobs_prepare(kind: Kind, token: str, ids: list[int]) -> list[Job]:
    """Load the records this lease holds (parents and homeowners in the same few queries)."""
    rows = kind.model._base_manager.filter(pk__in=ids, sync_lease_token=token)
    rows = rows.select_related(kind.parent_field).order_by("pk")
    if kind.level == Level.HOME:
        rows = rows.prefetch_related(
            Prefetch("homeowners", queryset=Homeowner.objects.order_by("pk"))
        )
    return [job_prepare(kind, obj, token) for obj in rows]


def job_prepare(kind: Kind, obj, token: str) -> Job:
    """Decide what publishing `obj` (freshly loaded, leased by `token`) must do."""
    job = Job(
        kind=kind,
        pk=obj.pk,
        token=token,
        version=obj.sync_version,
        external_id=obj.external_id,
        text=str(obj),
        action=Action.SKIP,
        parent=parent_describe(kind, obj),
        attempts=obj.sync_attempts,
        due=obj.sync_state in DUE_STATES,
        remote_id=obj.remote_id,
    )
    if not job.due or not obj.is_approved:
        return job
    if kind.waits_for_parent and (not job.parent.published or job.parent.remote_inactive):
        job.action = Action.WAIT
        return job
    job.body = record_body(obj)
    job.body_hash = payload_hash(job.body)
    job.inactive = job.body.get("active") is False
    if obj.sync_remote_inactive_since is not None and not job.inactive:
        job.action = Action.HOLD
        return job
    if job.is_home:
        _home_owners(job, obj)
    job.create_body = record_create_body(obj, [body for _, body in job.owners])
    job.action = _action(job, obj)
    return job


def _home_owners(job: Job, home) -> None:
    """Note the homeowners, which ones are new, and whether the whole set must be replaced."""
    owners = list(home.homeowners.all())
    job.owners = [(owner.pk, homeowner_body(owner)) for owner in owners]
    job.replace_owners = home.sync_homeowners_replace
    if not job.replace_owners:
        new = {owner.pk for owner in owners if owner.published_at is None}
        job.owners_to_add = [(pk, body) for pk, body in job.owners if pk in new]


def _action(job: Job, obj) -> Action:
    if obj.remote_id is None:
        return Action.CREATE
    job.put_body = job.body_hash != obj.sync_payload_hash or job.replace_owners
    if not job.put_body and not job.owners_to_add:
        return Action.UNCHANGED
    return Action.UPDATE


def parent_describe(kind: Kind, obj) -> Parent:
    """Describe the parent of `obj` (loaded with select_related)."""
    parent = getattr(obj, kind.parent_field)
    if kind.parent_level == Level.REGION:
        return Parent(
            label=parent._meta.label,
            pk=parent.pk,
            level=Level.REGION,
            key=parent.name,
            text=str(parent),
            published=parent.active,
            approved=True,
            active=parent.active,
            failed=False,
        )
    return Parent(
        label=parent._meta.label,
        pk=parent.pk,
        level=kind.parent_level,
        key=parent.external_id,
        text=f"{parent._meta.verbose_name} “{parent}”",
        published=parent.remote_id is not None,
        approved=parent.is_approved,
        active=parent.active,
        failed=parent.sync_state == SyncState.FAILED,
        remote_inactive=parent.sync_remote_inactive_since is not None,
    )
