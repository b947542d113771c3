"""CSV import spec for homes, with their homeowners in the same row.

Columns are the contract's home body (builder-backed.md, "Home — POST body"); homeowners are
`homeowner1Email`, `homeowner1FirstName`, … `homeowner2Email`, … for any number of homeowners.
Decided here (issue 12): a homeowner column without a number (`homeownerEmail`,
`Homeowner Email`, `owner_first_name`) is homeowner 1's — how most people name a single owner.
Decided here, like the contract's PUT (builder-backed.md, "Fine points"): a file with homeowner
columns replaces each home's homeowners with the row's (matched by email, any case); a file
without them leaves homeowners as they are.
"""

import re

from django.db.models import Count, Max

from builderops.core.review import ReviewState
from builderops.csvio.cells import (
    boolean_parse,
    choice_parser,
    date_parse,
    external_id_parse,
    text_parser,
)
from builderops.csvio.spec import Column, ImportSpec, ParentInfo, ParentRef, external_id_column
from homes.cells import email_parse, postal_code_parse, state_parse
from homes.models import Home, Homeowner, HomeType
from locations.hierarchy import level_above, level_ancestors, level_for, parent_path

OWNER_FIELDS = {  # header suffix → (model attribute, parser)
    "Email": ("email", email_parse),
    "FirstName": ("first_name", text_parser(100)),
    "MiddleName": ("middle_name", text_parser(100)),
    "LastName": ("last_name", text_parser(100)),
    "Prefix": ("prefix", text_parser(20)),
    "Suffix": ("suffix", text_parser(20)),
}
OWNER_ATTRS = tuple(attr for attr, _ in OWNER_FIELDS.values())
OWNER_SUFFIX_BY_KEY = {suffix.lower(): suffix for suffix in OWNER_FIELDS} | {
    "emailaddress": "Email"
}
# Header keys (spec.header_key): `homeowner2Email`, `homeownerEmail`, `ownerEmail2`, …
OWNER_HEADER = re.compile(rf"^(?:home)?owner(\d*)({'|'.join(OWNER_SUFFIX_BY_KEY)})(\d*)$")
OWNER_NUMBER = re.compile(r"^homeowner(\d+)")
OWNER_EXAMPLE = ["olivia.smith@example.com", "Olivia", "", "Smith", "", ""]


class HomeSpec(ImportSpec):
    model = Home
    kind = level_for(model).csv_kind
    parent = ParentRef(column="neighborhoodExternalId", noun="neighborhood", attr="neighborhood_id")
    columns = (
        external_id_column("HOME_00001"),
        Column(
            "addressLine1",
            "address_line1",
            required=True,
            example="101 Oak St",
            label="address line 1",
        ),
        Column("addressLine2", "address_line2", example=""),
        Column("city", "city", required=True, parse=text_parser(100), example="Mason"),
        Column(
            "state",
            "state",
            required=True,
            parse=state_parse,
            example="OH",
            label="two-letter state code",
        ),
        Column(
            "postalCode",
            "postal_code",
            required=True,
            parse=postal_code_parse,
            example="45040",
            label="ZIP code",
            aliases=("zip", "zipcode"),
        ),
        Column(
            "type",
            "home_type",
            required=True,
            parse=choice_parser(tuple(HomeType.values)),
            example="Single Family",
            label="type (Single Family or Multi Family)",
        ),
        Column(
            "neighborhoodExternalId",
            "neighborhood_id",
            required=True,
            parse=external_id_parse,
            example="NH_001",
            label="neighborhood's external ID",
        ),
        Column("marketHome", "market_home", parse=boolean_parse, blank=False, example="false"),
        Column("jobId", "job_id", parse=text_parser(100), example="JOB-0001"),
        Column("productCollection", "product_collection", example="Designer"),
        Column("model", "home_model", example="Ashton"),
        Column("closingDate", "closing_date", parse=date_parse, blank=None, example="2026-03-31"),
        Column(
            "scheduledClosingDate",
            "scheduled_closing_date",
            parse=date_parse,
            blank=None,
            example="",
        ),
    )

    def dynamic_column(self, key: str) -> Column | None:
        match = OWNER_HEADER.match(key)
        if not match or (match[1] and match[3]):
            return None
        number = int(match[1] or match[3] or 1)  # unnumbered: homeowner 1 (issue 12)
        if number < 1:
            return None
        suffix = OWNER_SUFFIX_BY_KEY[match[2]]
        attr, parse = OWNER_FIELDS[suffix]
        label = f"homeowner {number}'s {attr.replace('_', ' ')}"
        return Column(
            f"homeowner{number}{suffix}", f"homeowners.{number}.{attr}", parse=parse, label=label
        )

    def header_candidates(self, present: set[str]) -> dict[str, str]:
        """Add homeowner columns up to one past the highest in the file, and their bare field
        names (`email` in a homes file is someone's email: ambiguous, not ignorable)."""
        candidates = super().header_candidates(present)
        numbers = [int(m[1]) for name in present if (m := OWNER_NUMBER.match(name))]
        for number in range(1, max(numbers, default=0) + 2):
            for suffix in OWNER_FIELDS:
                candidates[f"homeowner{number}{suffix.lower()}"] = f"homeowner{number}{suffix}"
        for key, suffix in OWNER_SUFFIX_BY_KEY.items():
            candidates[f"homeowner{key}"] = candidates[key] = f"homeowner1{suffix}"
        return candidates

    def parents_load(self) -> dict[str, ParentInfo]:
        """Load every neighborhood with its chain: a home needs all of it active (contract)."""
        parent = level_above(level_for(Home))
        lookups = chain_lookups(parent)
        columns = [column for _, key, active in lookups for column in (key, active)]
        rows = parent.model._default_manager.values_list(
            "pk", "external_id", "review_state", "active", *columns
        )
        parents = {}
        for pk, key, state, active, *links in rows:
            why = chain_break(active, lookups, links)
            parents[key] = ParentInfo(pk, key, not why, why, state == ReviewState.APPROVED)
        return parents

    def row_extra(self, row, header_map) -> None:
        if header_map.has_children:
            row.children = owners_collect(row, header_map, owner_plan(header_map))

    def existing_load(self, keys: list[str]) -> dict:
        homes = super().existing_load(keys)
        by_home = {home.pk: [] for home in homes.values()}
        for owner in Homeowner.objects.filter(home_id__in=list(by_home)).order_by("id"):
            by_home[owner.home_id].append(owner)
        for home in homes.values():
            home.csv_owners = by_home[home.pk]
        return homes

    def existing_values(self, keys: list[str]) -> dict[str, dict]:
        homes = super().existing_values(keys)
        by_home = {home["pk"]: home for home in homes.values()}
        for home in by_home.values():
            home["owners"] = []
        owners = Homeowner.objects.filter(home_id__in=list(by_home)).order_by("id")
        for owner in owners.values("home_id", *OWNER_ATTRS):
            by_home[owner.pop("home_id")]["owners"].append(owner)
        return homes

    def changes(self, stored: dict, row) -> list[str]:
        changed = super().changes(stored, row)
        if row.children is not None and owners_key(stored["owners"]) != owners_key(row.children):
            changed.append("homeowners")
        return changed

    def record_prepare(self, row, obj) -> None:
        # A homeowner edited or removed can only reach Builder Backed in a home PUT carrying the
        # whole set (builder-backed.md, "Fine points"); additions alone go one by one.
        if "homeowners" in row.changed and owners_edited_or_removed(obj.csv_owners, row.children):
            obj.sync_homeowners_replace = True

    def change_text(self, row, attr: str) -> str | None:
        if attr != "homeowners":
            return None
        old = ", ".join(o.email for o in row.obj.csv_owners) or "none"
        new = ", ".join(o["email"] for o in row.children) or "none"
        return f"homeowners: {old} → {new}"

    def children_write(self, *, created, updated, user, reason) -> None:
        from homes.owners_import import homeowners_replace

        homeowners_replace(created=created, updated=updated, user=user, reason=reason)

    def export_queryset(self, queryset):
        return queryset.select_related("neighborhood").prefetch_related("homeowners")

    def export_headers(self, queryset) -> list[str]:
        most = queryset.annotate(owners=Count("homeowners")).aggregate(most=Max("owners"))
        return super().export_headers(queryset) + owner_headers(max(most["most"] or 0, 1))

    def export_row(self, obj, headers: list[str]) -> list[str]:
        cells = super().export_row(obj, headers)
        for owner in obj.homeowners.all():
            cells += [getattr(owner, attr) for attr in OWNER_ATTRS]
        return cells + [""] * (len(headers) - len(cells))

    def parent_key(self, obj) -> str:
        return obj.neighborhood.external_id

    def template_rows(self) -> list[list[str]]:
        return [super().template_rows()[0] + OWNER_EXAMPLE]

    def template_headers(self) -> list[str]:
        return [column.name for column in self.columns] + owner_headers(1)


def owner_headers(count: int) -> list[str]:
    return [f"homeowner{n}{suffix}" for n in range(1, count + 1) for suffix in OWNER_FIELDS]


def chain_lookups(level) -> list[tuple[str, str, str]]:
    """List each level above `level`, nearest first: (noun, lookup of its key, of its `active`)."""
    lookups, path = [], []
    for field, above in zip(parent_path(level), level_ancestors(level), strict=True):
        path.append(field)
        prefix = "__".join(path)
        lookups.append((above.noun, f"{prefix}__{above.key_field}", f"{prefix}__active"))
    return lookups


def chain_break(active: bool, lookups: list, links: list) -> str:
    """Say why a neighborhood's chain is broken ("" when every level is active)."""
    if not active:
        return "is inactive"
    for (noun, _, _), key, ok in zip(lookups, links[::2], links[1::2], strict=True):
        if not ok:
            return f"is under the inactive {noun} “{key}”"
    return ""


def owner_plan(header_map) -> list[tuple[int, str, list[tuple[str, str]]]]:
    """List each homeowner number the file has, with (model attribute, row.extra key) pairs."""
    plan = header_map.__dict__.get("owner_plan")
    if plan is None:
        numbers = sorted(
            {
                int(c.attr.split(".")[1])
                for _, c, _ in header_map.columns
                if c.attr.startswith("homeowners.")
            }
        )
        plan = header_map.__dict__["owner_plan"] = [
            (n, f"homeowner{n}Email", [(a, f"homeowners.{n}.{a}") for a in OWNER_ATTRS])
            for n in numbers
        ]
    return plan


def owners_collect(row, header_map, plan) -> list[dict]:
    """Turn homeowner N's cells into homeowner dicts; email required, once per home."""
    owners, emails, extra = [], {}, row.extra
    for number, name, pairs in plan:
        owner = {attr: extra.get(key, "") for attr, key in pairs}
        if not any(owner.values()):
            continue
        if not owner["email"]:
            if name not in header_map.names:
                row.error(
                    name,
                    "",
                    f"is required for homeowner {number}, but the file has no {name} column",
                    f"Add a {name} column with their email address",
                )
            elif f"homeowners.{number}.email" in row.extra:  # blank, not unparseable
                row.error(
                    header_map.header_for(name),
                    "",
                    f"is required for homeowner {number}",
                    f"Enter homeowner {number}'s email address, or clear their other columns",
                )
            continue  # otherwise the email didn't parse, and that error is already reported
        first = emails.setdefault(owner["email"].lower(), number)
        if first != number:
            row.error(
                header_map.header_for(name),
                owner["email"],
                f"is also homeowner {first}'s email",
                "Remove the repeated homeowner: an email appears once per home",
            )
            continue
        owners.append(owner)
    return owners


def owners_edited_or_removed(stored, wanted: list[dict]) -> bool:
    """Say whether replacing `stored` owners by `wanted` edits or removes any of them."""
    wanted_by_email = owners_key(wanted)
    return any(wanted_by_email.get(email) != fields for email, fields in owners_key(stored).items())


def owners_key(owners) -> dict:
    """Compare homeowners by email (any case) and their fields, ignoring order."""
    return {
        (o["email"] if isinstance(o, dict) else o.email).lower(): tuple(
            o[a] if isinstance(o, dict) else getattr(o, a) for a in OWNER_ATTRS
        )
        for o in owners
    }


HOMES = HomeSpec()
