"""Name the publishable models top to bottom, and the parent each one must wait for.

Read from locations/hierarchy.py on every use, so a level added there is published too.
builder-backed.md, "Hierarchy": a division names its region (pulled, never published by us); every
other level names a parent we publish first.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.apps import apps

from locations.hierarchy import Level, level_above, level_below, level_for, levels_published


@dataclass(frozen=True)
class Kind:
    """One publishable model: its label, contract level, and the ForeignKey to its parent."""

    label: str
    level: str  # the contract's level name; equal to integrations.builderbacked.references.Level
    parent_field: str
    parent_level: str
    waits_for_parent: bool  # the parent is ours to publish first (a region is pulled, not)

    @property
    def model(self):
        return apps.get_model(self.label)


def kind_of(level: Level) -> Kind:
    """Describe a publishable hierarchy level for the sync."""
    above = level_above(level)
    return Kind(level.label, level.name, level.parent_field, above.name, above.published)


class Kinds(Mapping):
    """The publishable kinds by model label, parents first: a view of the hierarchy, so every
    caller (`KINDS["homes.Home"]`, `KINDS.values()`) sees the levels as they are now."""

    def __getitem__(self, label: str) -> Kind:
        level = level_for(label)
        if not level.published:
            raise KeyError(label)
        return kind_of(level)

    def __iter__(self) -> Iterator[str]:
        return iter([level.label for level in levels_published()])

    def __len__(self) -> int:
        return len(levels_published())


KINDS = Kinds()


def kind_for(label_or_model) -> Kind:
    """Return the Kind for a model or its label ("homes.Home"); KeyError if not publishable."""
    return KINDS[getattr(getattr(label_or_model, "_meta", None), "label", label_or_model)]


def kind_children(kind: Kind) -> Kind | None:
    """Return the level just below `kind`, or None for homes."""
    below = level_below(level_for(kind.label))
    return kind_of(below) if below is not None else None


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
