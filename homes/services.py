"""Create and update homes, and add, change or remove their homeowners.

A homeowner change is a change to its home: it goes through the home's review rules, so an
editor's change to an approved home's owners waits for approval like any other edit. Every
homeowner change goes through `home_save`, which saves the home once however many homeowners
changed — one history row and one publish per submit.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from builderops.core.records import record_save
from homes.models import Home, Homeowner


def home_create(*, user, data: dict, homeowners: list[dict] = (), approve: bool = False) -> Home:
    """Create a home with its homeowners; it starts as a draft unless `approve`."""
    owners = [Homeowner(**owner) for owner in homeowners]
    return home_save(home=Home(**data), user=user, owners_saved=owners, approve=approve)


def home_update(*, home: Home, user, data: dict, approve: bool = False) -> Home:
    """Apply field values to `home` and save it under the review rules."""
    for field, value in data.items():
        setattr(home, field, value)
    return home_save(home=home, user=user, approve=approve)


def home_save(
    *,
    home: Home,
    user,
    owners_saved: Iterable[Homeowner] = (),
    owners_removed: Iterable[Homeowner] = (),
    approve: bool = False,
) -> Home:
    """Save `home` (with any unsaved field edits) and its homeowner changes in one transaction.

    The home is saved once, after its homeowners (a new home first, so they can point at it):
    one history row and one publish, however many homeowners were added, edited or removed.
    """
    owners_saved, owners_removed = list(owners_saved), list(owners_removed)
    creating = home.pk is None
    with transaction.atomic():
        if creating:
            record_save(obj=home, user=user, approve=approve)
        for owner in owners_removed:
            homeowner_delete(owner=owner, user=user)
        edited = [homeowner_write(home=home, owner=owner, user=user) for owner in owners_saved]
        if owners_removed or any(edited):
            sync_mark_homeowners_replace(home)
        if not creating:
            record_save(obj=home, user=user, approve=approve)
    return home


def homeowner_add(*, home: Home, user, data: dict) -> Homeowner:
    """Add a homeowner to an existing home."""
    owner = Homeowner(**data)
    home_save(home=home, user=user, owners_saved=[owner])
    return owner


def homeowner_remove(*, owner: Homeowner, user) -> None:
    """Remove a homeowner; its home's next publish sends the whole remaining set."""
    home_save(home=owner.home, user=user, owners_removed=[owner])


def homeowner_write(*, home: Home, owner: Homeowner, user) -> bool:
    """Validate and save one homeowner of `home` (email once per home, any case).

    Return whether an existing homeowner was edited (not added). Only `home_save` calls this:
    the home must be saved after it, under the review rules.
    """
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
    return editing


def homeowner_delete(*, owner: Homeowner, user) -> None:
    """Delete one homeowner with its history user. Only `home_save` calls this."""
    owner._history_user = user
    owner.delete()


def sync_mark_homeowners_replace(home: Home) -> None:
    """Note that `home`'s next publish must send its whole homeowner set (PUT replaces it).

    Called when a homeowner is edited or removed: Builder Backed has no per-homeowner update or
    delete, only a home PUT carrying `homeowners` (builder-backed.md, "Fine points").
    """
    Home._base_manager.filter(pk=home.pk).update(sync_homeowners_replace=True)
    home.sync_homeowners_replace = True
