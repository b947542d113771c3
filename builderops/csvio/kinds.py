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


def spec_for_model(model) -> ImportSpec:
    """Return the spec whose model is `model`."""
    for kind in KINDS:
        spec = spec_get(kind)
        if spec.model is model:
            return spec
    raise LookupError(f"No CSV import kind for {model._meta.label}")
