"""Compare what Builder Backed holds with what we last published, per record and per field.

Issue 10, item 6 — drift is made visible, never overwritten silently. For each published model:

    changed      a field differs from what we last sent (someone edited it on their side)
    deactivated  active here, inactive there (publishing would re-activate it: it is held, and
                 its children wait, until staff choose "Re-publish as active")
    missing      we published it, Builder Backed no longer has it
    unknown      Builder Backed has it, we have no record with that external id

Cost (builder-backed.md, "Endpoints"): one list walk per location level; homes have no list
endpoint in the contract, so each published home is read by external id (GET /homes/{id}).
Every read goes through the client's shared rate ceiling (BUILDERBACKED_RATE_LIMIT). A record
changed here since its last publish is not compared: our next publish sends it anyway.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from homes.models import Homeowner
from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.payloads import payload_hash, record_body
from integrations.builderbacked.references import Level
from integrations.builderbacked.sync.registry import KINDS, Kind
from integrations.errors import NotFound

# Optional fields a PUT clears when left out (builder-backed.md, "Fine points"): compared even
# when only one side has them. A division's `regionName` is not echoed back, so not compared.
OPTIONAL_FIELDS = {
    "location": ("displayName", "abbreviatedName"),
    Level.HOME: (
        "addressLine2",
        "jobId",
        "productCollection",
        "model",
        "closingDate",
        "scheduledClosingDate",
    ),
}
NOT_COMPARED = {"active", "regionName", "homeowners"}


class DriftKind(StrEnum):
    CHANGED = "changed"
    DEACTIVATED = "deactivated"
    MISSING = "missing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class FieldDrift:
    name: str
    ours: object
    theirs: object


@dataclass(frozen=True)
class Drift:
    """One record that differs: which, how, and (when changed) which fields."""

    label: str
    noun: str
    kind: DriftKind
    external_id: str
    text: str
    pk: int | None = None
    fields: tuple[FieldDrift, ...] = ()


@dataclass
class Reconciliation:
    drifts: list[Drift] = field(default_factory=list)
    compared: int = 0
    changed_here: int = 0  # not compared: changed here since the last publish
    requests: int = 0

    def count(self, kind: DriftKind) -> int:
        return sum(1 for drift in self.drifts if drift.kind == kind)


def builderbacked_reconcile(
    *, client: BuilderBackedClient, labels: list[str] | None = None
) -> Reconciliation:
    """Read Builder Backed and list where it differs from what we last published."""
    report = Reconciliation()
    before = client.request_count
    for kind in KINDS.values():
        if labels is None or kind.label in labels:
            _kind_reconcile(kind, client, report)
    report.requests = client.request_count - before
    return report


def _kind_reconcile(kind: Kind, client: BuilderBackedClient, report: Reconciliation) -> None:
    rows = list(_published(kind))
    if kind.level == Level.HOME:
        remote = _homes_read(client, [obj.external_id for obj in rows])
    else:
        remote = {item["externalId"]: item for item in client.location(kind.level).list()}
    for obj in rows:
        _record_compare(kind, obj, remote.get(obj.external_id), report)
    known = set(
        kind.model._base_manager.filter(external_id__in=list(remote)).values_list(
            "external_id", flat=True
        )
    )
    noun = str(kind.model._meta.verbose_name)
    for external_id, item in remote.items():
        if external_id not in known:
            text = item.get("name") or item.get("addressLine1") or ""
            report.drifts.append(Drift(kind.label, noun, DriftKind.UNKNOWN, external_id, text))


def _published(kind: Kind):
    rows = kind.model._base_manager.filter(remote_id__isnull=False).select_related(
        kind.parent_field
    )
    if kind.level == Level.HOME:
        owners = Homeowner.objects.filter(published_at__isnull=False).order_by("pk")
        rows = rows.prefetch_related(Prefetch("homeowners", queryset=owners))
    return rows.order_by("pk")


def _homes_read(client: BuilderBackedClient, external_ids: list[str]) -> dict[str, dict]:
    """GET each home (no list endpoint in the contract), a few at a time under the ceiling."""

    def read(external_id: str) -> tuple[str, dict | None]:
        try:
            return external_id, client.get_home(external_id)
        except NotFound:
            return external_id, None

    threads = max(1, min(settings.BUILDERBACKED_PUBLISH_THREADS, len(external_ids)))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = dict(pool.map(read, external_ids))
    return {key: value for key, value in answers.items() if value is not None}


def _record_compare(kind: Kind, obj, remote: dict | None, report: Reconciliation) -> None:
    """Compare one published record with Builder Backed's copy; note any drift in `report`."""
    body = record_body(obj)
    if payload_hash(body) != obj.sync_payload_hash:
        report.changed_here += 1
        return
    report.compared += 1
    noun = str(kind.model._meta.verbose_name)
    drift = Drift(kind.label, noun, DriftKind.CHANGED, obj.external_id, str(obj), obj.pk)
    if remote is None:
        report.drifts.append(replace(drift, kind=DriftKind.MISSING))
        return
    fields = tuple(_fields_differ(kind, obj, body, remote))
    deactivated = body.get("active") is True and remote.get("active") is False
    _inactive_flag(obj, deactivated)
    if deactivated:
        report.drifts.append(replace(drift, kind=DriftKind.DEACTIVATED, fields=fields))
    elif fields:
        report.drifts.append(replace(drift, fields=fields))


def _fields_differ(kind: Kind, obj, body: dict, remote: dict):
    optional = OPTIONAL_FIELDS.get(kind.level, OPTIONAL_FIELDS["location"])
    for name in sorted((set(body) | set(optional)) - NOT_COMPARED):
        ours, theirs = _value(body.get(name)), _value(remote.get(name))
        if ours != theirs:
            yield FieldDrift(name, ours, theirs)
    if kind.level == Level.HOME:
        ours = sorted(owner.email.casefold() for owner in obj.homeowners.all())
        theirs = sorted(owner["email"].casefold() for owner in remote.get("homeowners") or [])
        if ours != theirs:
            yield FieldDrift("homeowners", ", ".join(ours), ", ".join(theirs))


def _value(value):
    """An optional field left out, null or blank is one and the same (contract: Fine points)."""
    return None if value in (None, "") else value


def _inactive_flag(obj, deactivated: bool) -> None:
    """Remember (or forget) that Builder Backed shows `obj` deactivated while ours is active."""
    flagged = obj.sync_remote_inactive_since is not None
    if deactivated != flagged:
        since = timezone.now() if deactivated else None
        type(obj)._base_manager.filter(pk=obj.pk).update(sync_remote_inactive_since=since)


def drift_sentence(drift: Drift) -> str:
    """Say in one line how one record differs ("changed" lists its fields separately)."""
    noun = drift.noun[:1].upper() + drift.noun[1:]
    name = f"{noun} {drift.external_id}" + (f" “{drift.text}”" if drift.text else "")
    return {
        DriftKind.CHANGED: f"{name}: changed on Builder Backed",
        DriftKind.DEACTIVATED: f"{name}: deactivated on Builder Backed, active here",
        DriftKind.MISSING: f"{name}: published by us, missing on Builder Backed",
        DriftKind.UNKNOWN: f"{name}: on Builder Backed, unknown here",
    }[drift.kind]


def field_sentence(field_drift: FieldDrift) -> str:
    """Say how one field differs: ours, then Builder Backed's."""
    ours, theirs = _shown(field_drift.ours), _shown(field_drift.theirs)
    return f"{field_drift.name}: ours {ours}, Builder Backed {theirs}"


def reconcile_summary(report: Reconciliation) -> str:
    """Sum up a reconcile in one sentence with exact counts."""
    records, requests = _count(report.compared, "record"), _count(report.requests, "request")
    compared = f"Compared {records} in {requests}"
    if report.changed_here:
        compared += (
            f" ({_count(report.changed_here, 'record')} changed here since the last publish "
            "not compared: the next publish sends them)"
        )
    if not report.drifts:
        return f"{compared}. No differences: Builder Backed holds what we last published."
    parts = [f"{report.count(kind)} {kind}" for kind in DriftKind if report.count(kind)]
    return f"{compared}. {_count(len(report.drifts), 'difference')}: {', '.join(parts)}."


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _shown(value) -> str:
    return "(none)" if value is None else f"“{value}”"
