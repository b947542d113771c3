"""The import kinds by name, parents before children (builder-backed.md, "Hierarchy").

The apps that own the records register their specs from their `AppConfig.ready` (locations,
homes): csvio sits below them and imports none of them. Kinds are listed in the hierarchy's
order, read from the models (`hierarchy_depth`), so a parent's kind always comes first.
"""

from builderops.core.records import hierarchy_depth
from builderops.csvio.spec import ImportSpec

_SPECS: dict[str, ImportSpec] = {}


def kind_register(spec: ImportSpec) -> None:
    """Offer `spec` as the import kind `spec.kind` (the admin, the command, the jobs)."""
    _SPECS[spec.kind] = spec


def kinds() -> list[str]:
    """Name every registered kind, parents first."""
    ordered = sorted(_SPECS.values(), key=lambda spec: hierarchy_depth(spec.model))
    return [spec.kind for spec in ordered]


def spec_get(kind: str) -> ImportSpec:
    """Return the spec of import kind `kind`; KeyError if no app registered it."""
    return _SPECS[kind]


def kind_for_model(model) -> str:
    """Return the import kind whose records are `model`'s."""
    for spec in _SPECS.values():
        if spec.model is model:
            return spec.kind
    raise LookupError(f"No CSV import kind for {model._meta.label}")
