"""What an import kind declares: its columns, its parent, and how a row becomes a record.

One ImportSpec per kind lives next to its models (locations/imports.py, homes/imports.py).
Headers are the contract's field names (builder-backed.md, "Endpoints"), matched ignoring case,
spaces, underscores and hyphens.
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from builderops.csvio.cells import external_id_parse, text_parser

HEADER_NOISE = re.compile(r"[\s_\-]+")


def header_key(text: str) -> str:
    """Normalise a header: `External ID`, `external_id`, `externalId` → `externalid`."""
    return HEADER_NOISE.sub("", text).lower()


@dataclass(frozen=True)
class Column:
    """One column of a kind: its contract header, model attribute and parsing rule."""

    name: str
    attr: str
    required: bool = False
    parse: Callable[[str], Any] = field(default=text_parser(200))
    blank: Any = ""
    example: str = ""
    label: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def keys(self) -> set[str]:
        """Header keys that name this column: its contract name, model attribute, aliases."""
        keys = {header_key(self.name), *map(header_key, self.aliases)}
        if not self.attr.endswith("_id") and "." not in self.attr:  # a parent's pk isn't a key
            keys.add(header_key(self.attr))
        return keys

    @property
    def described(self) -> str:
        return self.label or self.name


class ParentInfo(NamedTuple):
    """A stored parent as a row sees it."""

    pk: int
    key: str
    usable: bool  # active, and (for homes) its whole chain active
    unusable_why: str  # e.g. "is inactive", "is under an inactive division “DIV_X”"
    approved: bool


@dataclass(frozen=True)
class ParentRef:
    """How a row names its parent: the column, the model, the FK attribute."""

    column: str
    noun: str
    attr: str
    by_name: bool = False  # regions are named, the other levels have external ids


def cell_value(value) -> str:
    """Write a value the way the importer reads it: ISO dates, true/false, blank for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def example_id(noun: str) -> str:
    """Return the template's external id for a `noun`, e.g. `EXAMPLE_MASTER_COMMUNITY_1`."""
    return f"EXAMPLE_{noun.upper().replace(' ', '_')}_1"


def external_id_column(example: str) -> Column:
    return Column(
        "externalId",
        "external_id",
        required=True,
        parse=external_id_parse,
        example=example,
        label="external ID",
    )


def location_columns(example_id: str, example_name: str) -> list[Column]:
    """Return the columns every location level shares (builder-backed.md, "Division")."""
    return [
        external_id_column(example_id),
        Column("name", "name", required=True, example=example_name),
        Column("displayName", "display_name", example=example_name),
        Column("abbreviatedName", "abbreviated_name", parse=text_parser(50)),
    ]


class ImportSpec(ABC):
    """Base for a kind's spec; subclasses set the class attributes and override the hooks."""

    kind: str = ""
    model = None
    columns: tuple[Column, ...] = ()
    parent: ParentRef | None = None
    key_column = "externalId"

    def column_by_key(self) -> dict[str, Column]:
        return {key: column for column in self.columns for key in column.keys}

    def header_candidates(self, present: set[str]) -> dict[str, str]:
        """Map header keys an unknown header may resemble to column names (headers.py)."""
        return {key: column.name for column in self.columns for key in column.keys}

    def dynamic_column(self, key: str) -> Column | None:
        """Return a column for a header outside `columns` (e.g. homeowner3Email), or None."""
        return None

    @abstractmethod
    def parents_load(self) -> dict[str, ParentInfo]:
        """Return every stored parent by its key (external id, or name for regions)."""

    def row_extra(self, row, header_map) -> None:
        """Parse columns the generic pass doesn't know (homes: homeowners) into `row`."""
        return  # an optional hook: kinds without children have nothing to do

    def existing_load(self, keys: list[str]) -> dict[str, Any]:
        """Return the stored records among `keys`, by external id."""
        from builderops.csvio.bulk import keys_stored

        found = keys_stored(self.model, keys)
        return self.model._default_manager.in_bulk(found, field_name="external_id") if found else {}

    def existing_values(self, keys: list[str]) -> dict[str, dict]:
        """Return, by external id, the stored values the columns compare with (and `pk`,
        `review_state`) — plain values, not model instances: most rows of a re-import are
        unchanged, and building instances was most of its time (issue 12, item 4)."""
        attrs = {column.attr for column in self.columns if "." not in column.attr}
        stored = self.model._default_manager.filter(external_id__in=keys)
        return {
            values["external_id"]: values for values in stored.values("pk", "review_state", *attrs)
        }

    def changes(self, stored: dict, row) -> list[str]:
        """Name the attributes `row` would change on a record's `stored` values."""
        return [
            attr
            for attr, value in row.values.items()
            if attr != "external_id" and stored[attr] != value
        ]

    def change_text(self, row, attr: str) -> str | None:
        """Describe a change the generic description can't (homes: homeowners), or None."""
        return None

    def record_prepare(self, row, obj) -> None:
        """Adjust a stored record about to be updated from `row` (homes: homeowner sync)."""
        return  # an optional hook: kinds without children have nothing to do

    def instance_new(self, row):
        """Build the unsaved record a new row describes."""
        factory = self.__dict__.get("factory")
        if factory is None:
            from builderops.csvio.bulk import InstanceFactory

            factory = self.__dict__["factory"] = InstanceFactory(self.model)
        return factory(row.values)

    def children_write(self, *, created: list, updated: list, user, reason: str) -> None:
        """Write what hangs off each record (homes: homeowners) after the records themselves."""
        return  # an optional hook: kinds without children have nothing to do

    def export_queryset(self, queryset):
        """Return `queryset` with what export_row reads joined or prefetched."""
        return queryset

    def export_headers(self, queryset) -> list[str]:
        return [column.name for column in self.columns]

    def export_row(self, obj, headers: list[str]) -> list[str]:
        """Return `obj` as the cells an import reads back unchanged."""
        return [
            self.parent_key(obj)
            if self.parent and column.attr == self.parent.attr
            else cell_value(getattr(obj, column.attr))
            for column in self.columns
        ]

    @abstractmethod
    def parent_key(self, obj) -> str:
        """Return the key of `obj`'s parent, as a file names it."""

    def template_headers(self) -> list[str]:
        return [column.name for column in self.columns]

    def template_rows(self) -> list[list[str]]:
        return [[self.template_example(column) for column in self.columns]]

    def template_example(self, column: Column) -> str:
        """Return the template's example for `column`: external ids no record can have
        (`EXAMPLE_HOME_1`; engine.py refuses them), so an unchanged template writes nothing."""
        if column.name == self.key_column:
            return example_id(self.model._meta.verbose_name)
        if self.parent and column.name == self.parent.column and not self.parent.by_name:
            return example_id(self.parent.noun)
        return column.example
