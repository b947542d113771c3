"""Create, update and approve homes, and add or remove their homeowners.

A homeowner change is a change to its home: it goes through the home's review rules, so an
editor's change to an approved home's owners waits for approval like any other edit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from builderops.core.records import record_approve, record_save
from homes.models import Home, Homeowner


def home_create(*, user, data: dict, homeowners: list[dict] = (), approve: bool = False) -> Home:
    """Create a home with its homeowners; it starts as a draft unless `approve`."""
    home = Home(**data)
    with transaction.atomic():
        record_save(obj=home, user=user, approve=approve)
        for owner in homeowners:
            homeowner_save(home=home, owner=Homeowner(**owner), user=user)
    return home


def home_update(*, home: Home, user, data: dict, approve: bool = False) -> Home:
    """Apply field values to `home` and save it under the review rules."""
    for field, value in data.items():
        setattr(home, field, value)
    record_save(obj=home, user=user, approve=approve)
    return home


def home_approve(*, home: Home, user) -> Home:
    record_approve(obj=home, user=user)
    return home


def homeowner_save(*, home: Home, owner: Homeowner, user) -> Homeowner:
    """Validate and save one homeowner of `home` (email once per home, any case)."""
    owner.home = home
    owner.full_clean(exclude=["home"])
    duplicate = (
        Homeowner.objects.filter(home=home)
        .exclude(pk=owner.pk)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower=owner.email.lower())
        .exists()
    )
    if duplicate:
        raise ValidationError({"email": [f"{owner.email} is already a homeowner of this home."]})
    editing = not owner._state.adding
    owner._history_user = user
    owner.save()
    if editing:
        sync_mark_homeowners_replace(home)
    return owner


def sync_mark_homeowners_replace(home: Home) -> None:
    """Note that `home`'s next publish must send its whole homeowner set (PUT replaces it).

    Called when a homeowner is edited or removed: Builder Backed has no per-homeowner update or
    delete, only a home PUT carrying `homeowners` (builder-backed.md, "Fine points").
    """
    Home._base_manager.filter(pk=home.pk).update(sync_homeowners_replace=True)
    home.sync_homeowners_replace = True


def home_homeowners_changed(*, home: Home, user) -> Home:
    """Apply the review rules to `home` after its homeowners were added, changed or removed."""
    home.refresh_from_db()
    record_save(obj=home, user=user)
    return home


def homeowner_add(*, home: Home, user, data: dict) -> Homeowner:
    """Add a homeowner to an existing home."""
    with transaction.atomic():
        owner = homeowner_save(home=home, owner=Homeowner(**data), user=user)
        home_homeowners_changed(home=home, user=user)
    return owner


def homeowner_remove(*, owner: Homeowner, user) -> None:
    with transaction.atomic():
        home = owner.home
        owner._history_user = user
        owner.delete()
        sync_mark_homeowners_replace(home)
        home_homeowners_changed(home=home, user=user)
