"""Name the publishable models top to bottom, and the parent each one must wait for.

builder-backed.md, "Hierarchy": a division names its region (pulled, never published by us); every
other level names a parent we publish first.
"""

from dataclasses import dataclass

from django.apps import apps

from builderops.core.records import HIERARCHY_ORDER
from integrations.builderbacked.references import Level


@dataclass(frozen=True)
class Kind:
    """One publishable model: its label, contract level, and the ForeignKey to its parent."""

    label: str
    level: Level
    parent_field: str
    parent_level: Level

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def waits_for_parent(self) -> bool:
        """Say whether the parent is ours to publish (a region is pulled, not published)."""
        return self.parent_level != Level.REGION


KINDS = {
    "locations.Division": Kind("locations.Division", Level.DIVISION, "region", Level.REGION),
    "locations.MasterCommunity": Kind(
        "locations.MasterCommunity", Level.MASTER_COMMUNITY, "division", Level.DIVISION
    ),
    "locations.Neighborhood": Kind(
        "locations.Neighborhood", Level.NEIGHBORHOOD, "master_community", Level.MASTER_COMMUNITY
    ),
    "homes.Home": Kind("homes.Home", Level.HOME, "neighborhood", Level.NEIGHBORHOOD),
}
assert tuple(KINDS) == HIERARCHY_ORDER, "parents first, as builderops.core.records orders them"


def kind_for(label_or_model) -> Kind:
    """Return the Kind for a model or its label ("homes.Home"); KeyError if not publishable."""
    label = getattr(getattr(label_or_model, "_meta", None), "label", label_or_model)
    return KINDS[label]


def kind_children(kind: Kind) -> Kind | None:
    """Return the level just below `kind`, or None for homes."""
    below = [k for k in KINDS.values() if k.parent_level == kind.level]
    return below[0] if below else None


def kind_parent(kind: Kind) -> Kind | None:
    """Return the publishable level just above `kind`, or None for divisions."""
    above = [k for k in KINDS.values() if k.level == kind.parent_level]
    return above[0] if above else None


def kind_lookup(name: str) -> Kind:
    """Find a Kind by label, model name or verbose name, any case ("home", "Neighborhoods")."""
    wanted = name.strip().lower().replace(" ", "").replace("_", "").replace("-", "")
    for kind in KINDS.values():
        meta = kind.model._meta
        names = {
            kind.label.lower(),
            meta.model_name,
            str(meta.verbose_name).replace(" ", ""),
            str(meta.verbose_name_plural).replace(" ", ""),
        }
        if wanted in names:
            return kind
    choices = ", ".join(k.model._meta.model_name for k in KINDS.values())
    raise LookupError(f"Unknown model {name!r}: choose one of {choices}")
