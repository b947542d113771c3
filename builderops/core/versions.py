"""Approve exactly what was reviewed: a version per record, carried from the page to the approval.

A record's version is its `updated_at` to the microsecond. Every writer of reviewed content
bumps it — `record_save` (admin saves, homeowner changes through `home_save`), the bulk review
services and the CSV writer — and the sync worker never does (it writes only its own fields
with UPDATEs), so it changes exactly when what an approver would approve changes.

The approve confirmation and the change page carry the versions they showed; approving checks
them under a row lock in the approval's transaction, so an edit that lands between showing and
confirming refuses the whole approval (issue 11): nothing is approved, and the page names the
records that changed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Model
from django.utils.timezone import localtime

from builderops.core.review import ReviewState

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)


def record_version(obj: Model) -> str:
    """Return `obj`'s version as text (microseconds since the epoch, exact: no float)."""
    return version_of(obj.updated_at)


def version_of(updated_at: datetime | None) -> str:
    return "" if updated_at is None else str((updated_at - EPOCH) // ONE_MICROSECOND)


def versions_encode(objs) -> str:
    """Pack the versions of `objs` into one form value: `pk:version,pk:version,…`.

    One field, not one per record: "select all" can confirm thousands of records, more than
    Django's DATA_UPLOAD_MAX_NUMBER_FIELDS allows as separate inputs.
    """
    return ",".join(f"{obj.pk}:{record_version(obj)}" for obj in objs)


def versions_decode(text: str) -> dict[int, str]:
    """Unpack `versions_encode`'s text; malformed parts are dropped (and so count as changed)."""
    versions = {}
    for part in (text or "").split(","):
        pk, _, version = part.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = version
    return versions


@dataclass(frozen=True)
class ChangedRecord:
    """A record that changed after it was shown: who changed it last, and when."""

    obj: Model
    changed_by: str
    changed_at: datetime | None

    def describe(self) -> str:
        """Say e.g. `“12 Maple Ave, Mason (H-1)” was changed by eddie at 2026-11-30 08:03 UTC`."""
        return f"“{self.obj}” was {self.change_text()}"

    def change_text(self) -> str:
        """Say e.g. `changed by eddie at 2026-11-30 08:03:11 UTC` (what is known of it)."""
        who = f" by {self.changed_by}" if self.changed_by else ""
        when = f" at {localtime(self.changed_at):%Y-%m-%d %H:%M:%S %Z}" if self.changed_at else ""
        return f"changed{who}{when}"


class RecordsChanged(Exception):
    """Records changed after they were shown for approval; nothing was approved.

    `changed` describes the first CHANGED_DESCRIBED of them (one history query each); `count`
    says how many there were in all.
    """

    def __init__(self, changed: list[ChangedRecord], count: int | None = None):
        self.changed = changed
        self.count = len(changed) if count is None else count
        super().__init__(f"{self.count} record(s) changed since they were shown")


CHANGED_DESCRIBED = 100


def records_changed_since_shown(rows, shown: dict[int, str]) -> list[Model]:
    """Return which of `rows` (freshly read, locked) differ from the `shown` versions.

    A row absent from `shown` counts as changed: it was never on the page (e.g. "select all"
    now matches a record created since).
    """
    return [obj for obj in rows if shown.get(obj.pk) != record_version(obj)]


def record_changed(obj: Model) -> ChangedRecord:
    """Describe `obj`'s latest change from its history (the editor, the time)."""
    history = getattr(obj, "history", None)
    latest = None
    if history is not None:
        latest = history.order_by("-history_date").select_related("history_user").first()
    user = getattr(latest, "history_user", None)
    return ChangedRecord(
        obj=obj,
        changed_by=user.get_username() if user is not None else "",
        changed_at=latest.history_date if latest is not None else obj.updated_at,
    )


def records_changed_locked(*, model, pks, shown: dict[int, str]) -> list[Model]:
    """Lock the drafts among `model`'s rows `pks` (until the transaction ends); return those
    that differ from `shown` (pk → version). Only drafts matter: approving skips the rest."""
    rows = (
        model._base_manager.filter(pk__in=pks, review_state=ReviewState.DRAFT)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    return records_changed_since_shown(rows, shown)


def records_changed_raise(changed: list[Model]) -> None:
    """Raise RecordsChanged for `changed`, if any, describing the first CHANGED_DESCRIBED."""
    if changed:
        described = [record_changed(obj) for obj in changed[:CHANGED_DESCRIBED]]
        raise RecordsChanged(described, len(changed))


def record_check_unchanged(*, obj: Model, shown: str) -> None:
    """Lock `obj`'s row; raise RecordsChanged if its stored version isn't `shown`."""
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if record_version(current) != shown:
        raise RecordsChanged([record_changed(current)])
