"""Preview and apply a file of one kind: what the command, the jobs and the tests call."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from builderops.core.review import user_can_approve
from builderops.csvio.changed import ChangedSinceGuard, changed_raise
from builderops.csvio.engine import ImportPass, Outcome
from builderops.csvio.kinds import spec_get
from builderops.csvio.writer import ChunkWriter


class ApplyRefused(Exception):
    """Rolls the apply's transaction back, carrying the outcome that explains why."""

    def __init__(self, outcome: Outcome):
        super().__init__("the file has errors")
        self.outcome = outcome


def import_approve_check(*, kind: str, user, approve: bool) -> None:
    """Refuse "approve on import" to a user without the kind's approve permission."""
    model = spec_get(kind).model
    if approve and not user_can_approve(user, model):
        raise PermissionDenied(
            f"Approving on import needs the “Can approve {model._meta.verbose_name}” permission."
        )


def import_file_preview(
    *, kind: str, path, user=None, approve: bool = False, progress=None, errors_csv=None
) -> Outcome:
    """Dry-run `path` as `kind`: count, sample and list every error; write nothing."""
    import_approve_check(kind=kind, user=user, approve=approve)
    run = ImportPass(spec=spec_get(kind), path=path, user=user, approve=approve, progress=progress)
    return run.run(errors_csv=errors_csv)


def import_file_apply(
    *,
    kind: str,
    path,
    user=None,
    approve: bool = False,
    progress=None,
    reason: str = "CSV import",
    errors_csv=None,
    on_success=None,
    changed_since: datetime | None = None,
) -> Outcome:
    """Apply `path` as `kind` in one transaction: everything, or nothing if any row is invalid.

    `on_success(outcome)` runs inside the transaction, so what it saves commits with the rows.
    With `changed_since` (when the preview began), a stored record changed after it raises
    ImportRecordsChanged and nothing is written (builderops/csvio/changed.py).
    """
    import_approve_check(kind=kind, user=user, approve=approve)
    spec = spec_get(kind)
    writer = ChunkWriter(spec=spec, user=user, approve=approve, reason=reason)
    guard = None
    if changed_since is not None:
        writer = guard = ChangedSinceGuard(writer, model=spec.model, since=changed_since)
    try:
        with transaction.atomic():
            run = ImportPass(
                spec=spec, path=path, user=user, approve=approve, writer=writer, progress=progress
            )
            outcome = run.run(errors_csv=errors_csv)
            changed_raise(guard)
            if not outcome.valid:
                raise ApplyRefused(outcome)
            if on_success is not None:
                on_success(outcome)
    except ApplyRefused as refused:
        return refused.outcome
    return outcome
