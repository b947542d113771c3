"""The import kinds by name, parents before children (builder-backed.md, "Hierarchy")."""

from django.utils.module_loading import import_string

from builderops.csvio.spec import ImportSpec

KINDS = {
    "divisions": "locations.imports.DIVISIONS",
    "master-communities": "locations.imports.MASTER_COMMUNITIES",
    "neighborhoods": "locations.imports.NEIGHBORHOODS",
    "homes": "homes.imports.HOMES",
}


def spec_get(kind: str) -> ImportSpec:
    """Return the spec of import kind `kind` (a key of KINDS)."""
    return import_string(KINDS[kind])


def kind_for_model(model) -> str:
    """Return the import kind whose records are `model`'s."""
    for kind in KINDS:
        if spec_get(kind).model is model:
            return kind
    raise LookupError(f"No CSV import kind for {model._meta.label}")
