"""Create, update, deactivate and reactivate divisions, master communities and neighborhoods.

Every writer — the admin, the CSV import, management commands — goes through these, so review
state, history and sync state follow the same rules (builderops/core/records.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from builderops.core.records import record_save
from locations.hierarchy import level_for
from locations.models import Division, LocationModel, MasterCommunity, Neighborhood


def location_create(*, model: type[LocationModel], user, data: dict, approve: bool = False):
    """Create a record of `model` from field values; it starts as a draft unless `approve`."""
    obj = model(**data)
    record_save(obj=obj, user=user, approve=approve)
    return obj


def location_update(*, obj: LocationModel, user, data: dict, approve: bool = False):
    """Apply field values to `obj` and save it under the review rules."""
    for field, value in data.items():
        setattr(obj, field, value)
    record_save(obj=obj, user=user, approve=approve)
    return obj


def location_deactivate(*, obj: LocationModel, user) -> LocationModel:
    """Deactivate `obj` (published as `active: false`); its active children must go first."""
    children = getattr(obj, level_for(obj).children)
    # Homes have no active flag of their own: they never hold a deactivation back.
    active_children = children.filter(active=True).count() if has_active(children.model) else 0
    if active_children:
        meta = children.model._meta
        noun = meta.verbose_name if active_children == 1 else meta.verbose_name_plural
        raise ValidationError(
            f"{obj} still has {active_children} active {noun}: deactivate or move them first."
        )
    with transaction.atomic():
        return location_update(obj=obj, user=user, data={"active": False})


def has_active(model) -> bool:
    """Say whether `model`'s records can be deactivated (have an `active` field)."""
    return any(field.name == "active" for field in model._meta.concrete_fields)


def location_reactivate(*, obj: LocationModel, user) -> LocationModel:
    """Reactivate `obj`; its parent must be active."""
    return location_update(obj=obj, user=user, data={"active": True})


def division_create(*, user, data: dict, approve: bool = False) -> Division:
    return location_create(model=Division, user=user, data=data, approve=approve)


def master_community_create(*, user, data: dict, approve: bool = False) -> MasterCommunity:
    return location_create(model=MasterCommunity, user=user, data=data, approve=approve)


def neighborhood_create(*, user, data: dict, approve: bool = False) -> Neighborhood:
    return location_create(model=Neighborhood, user=user, data=data, approve=approve)
