"""Write imported homeowners in bulk: each imported home's owners become the row's owners.

A file with homeowner columns replaces the set (builder-backed.md, "Fine points": a home PUT
carrying homeowners replaces them); owners are matched by email in any case, so a changed name
updates the same homeowner and keeps its history.
"""

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from builderops.csvio.bulk import InstanceFactory, records_insert
from homes.models import Homeowner

OWNER_ATTRS = ("email", "first_name", "middle_name", "last_name", "prefix", "suffix")
BATCH = 1000


def homeowners_replace(*, created: list, updated: list, user, reason: str) -> None:
    """Create, update and delete homeowners of the imported homes, with history."""
    new, changed, removed = [], [], []
    build = InstanceFactory(Homeowner)
    for row, home in created:
        for owner in row.children or ():
            owner["home_id"] = home.pk
            new.append(build(owner))
    for row, home in updated:
        if "homeowners" in row.changed:
            owners_diff(row.children, home, new, changed, removed)
    history = {"default_user": user, "default_change_reason": reason}
    if removed:
        homeowners_delete(removed, user=user, reason=reason)
    if changed:
        bulk_update_with_history(
            changed, Homeowner, [*OWNER_ATTRS, "updated_at"], batch_size=BATCH, **history
        )
    records_insert(Homeowner, new, user=user, reason=reason)


def owners_diff(wanted: list[dict], home, new: list, changed: list, removed: list) -> None:
    """Sort one home's owners into to-create, to-update and to-delete."""
    stored = {owner.email.lower(): owner for owner in home.csv_owners}
    now = timezone.now()
    for data in wanted:
        owner = stored.pop(data["email"].lower(), None)
        if owner is None:
            new.append(Homeowner(home_id=home.pk, **data))
        elif any(getattr(owner, attr) != data[attr] for attr in OWNER_ATTRS):
            for attr in OWNER_ATTRS:
                setattr(owner, attr, data[attr])
            owner.updated_at = now
            changed.append(owner)
    removed += stored.values()


def homeowners_delete(owners: list[Homeowner], *, user, reason: str) -> None:
    """Delete homeowners with one "-" history row each, in bulk.

    simple-history's bulk helpers cover creates and updates only; a queryset delete would write
    the history row per object through signals, without the importing user. So the history rows
    are built here and the rows removed with the raw delete Django's own collector uses.
    """
    history_model = Homeowner.history.model
    now = timezone.now()
    history_model.objects.bulk_create(
        [
            history_model(
                history_date=now,
                history_user=user,
                history_change_reason=reason,
                history_type="-",
                **{
                    field.attname: getattr(owner, field.attname)
                    for field in history_model.tracked_fields
                },
            )
            for owner in owners
        ],
        batch_size=BATCH,
    )
    queryset = Homeowner.objects.filter(pk__in=[owner.pk for owner in owners])
    queryset._raw_delete(queryset.db)
