"""Link projects to homes automatically, and weigh every link (issue 15, "Links with evidence").

- By job number first: the one home whose job id is the project's job number. The link is made
  even when the address disagrees, but it is then **to review**, with the differences listed.
- Else by address: the one home with the same normalized street and unit *and* the same city,
  state and five-digit ZIP.
- A match must be unique (two homes with one job id link neither), and a (project, home) pair
  staff rejected is never proposed again.
- A link staff confirmed (or picked) is never changed here.
- A home with more than one live project is a **conflict** (a Buildertrend job and a CoConstruct
  job with one job number) until staff confirm each of its projects.

Everything is computed in bulk: a fixed number of queries for any number of projects.
"""

import json
import operator
from collections import defaultdict
from collections.abc import Iterable
from functools import reduce

from django.db import connection as db
from django.db.models import Q

from homes.models import Home
from integrations.portals.linking.evidence import home_facts, link_differences
from integrations.portals.linking.normalize import (
    address_form,
    address_key,
    street_and_unit,
    zip5,
)
from integrations.portals.models.mirrors import LinkMethod, LinkRejection, LinkState, Project

CHUNK = 2000
LINK_FIELDS = ["home", "link_method", "link_state", "link_differences", "link_disagreements"]


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def project_address_key(project: Project) -> str | None:
    """Return a project's address key."""
    return address_form(
        project.address_line1, project.address_line2, project.city, project.state,
        project.postal_code,
    ).key()  # fmt: skip


def homes_by_job(projects: list[Project]) -> dict[str, list[int]]:
    """Index the homes whose job id is one of the projects' job numbers."""
    jobs = sorted({p.job_number.strip() for p in projects if p.job_number.strip()})
    index = defaultdict(list)
    for part in chunks(jobs):
        for pk, job_id in Home.objects.filter(job_id__in=part).values_list("pk", "job_id"):
            index[job_id.strip()].append(pk)
    return index


def homes_by_address(projects: list[Project]) -> dict[str, list[int]]:
    """Index by address key the homes that may share a project's address: same ZIP and, when
    the street starts with a house number, a line 1 starting with it (so few rows come back)."""
    index = defaultdict(list)
    for part in chunks(address_filters(projects), 100):
        rows = Home.objects.filter(reduce(operator.or_, part)).values_list(
            "pk", "address_line1", "city", "state", "postal_code", "address_line2"
        )
        for pk, *parts in rows:
            index[address_key(*parts)].append(pk)
    return index


def address_filters(projects: list[Project]) -> list[Q]:
    """Return one filter per ZIP the projects have: the ZIP as an index range (ZIP+4 included),
    and the house numbers their streets start with, when every one does."""
    numbers_by_zip = defaultdict(set)
    for project in projects:
        if code := zip5(project.postal_code):
            street, _unit = street_and_unit(project.address_line1, project.address_line2)
            first = street.split(" ", 1)[0]
            numbers_by_zip[code].add(first if first.isdigit() else None)
    filters = []
    for code, numbers in sorted(numbers_by_zip.items()):
        # A range, not LIKE 'zip%': the postal_code index serves it under any collation.
        in_zip = Q(postal_code__gte=code)
        if code != "99999":
            in_zip &= Q(postal_code__lt=f"{int(code) + 1:05d}")
        if None not in numbers:
            in_zip &= reduce(operator.or_, (Q(address_line1__startswith=n) for n in numbers))
        filters.append(in_zip)
    return filters


def rejections_by_project(projects: list[Project]) -> dict[int, set[int]]:
    """Return {project pk: home ids staff rejected for it}."""
    rejected = defaultdict(set)
    for part in chunks([p.pk for p in projects]):
        pairs = LinkRejection.objects.filter(project_id__in=part).values_list(
            "project_id", "home_id"
        )
        for project_id, home_id in pairs:
            rejected[project_id].add(home_id)
    return rejected


def _unique(index: dict[str, list[int]], key: str | None, rejected: set[int]) -> int | None:
    """Return the only home id under `key` staff didn't reject, or None (none, or several)."""
    ids = [pk for pk in index.get(key, ()) if pk not in rejected] if key else []
    return ids[0] if len(ids) == 1 else None


def projects_match(projects: list[Project]) -> dict[int, tuple[int | None, str]]:
    """Return {project pk: (home id, link method)} — by job number first, then by address."""
    rejected = rejections_by_project(projects)
    by_job = homes_by_job(projects)
    matches, unmatched = {}, []
    for project in projects:
        home_id = _unique(by_job, project.job_number.strip() or None, rejected[project.pk])
        if home_id is None:
            unmatched.append(project)
        else:
            matches[project.pk] = (home_id, LinkMethod.AUTO_JOB)
    by_address = homes_by_address(unmatched) if unmatched else {}
    for project in unmatched:
        home_id = _unique(by_address, project_address_key(project), rejected[project.pk])
        matches[project.pk] = (home_id, LinkMethod.AUTO_ADDRESS if home_id else "")
    return matches


def link_values(project: Project, home_id: int | None, method: str, facts) -> dict:
    """Return the link fields `project` gets for `home_id` (conflicts are settled afterwards)."""
    if home_id is None:
        return {"home_id": None, "link_method": "", "link_state": LinkState.UNLINKED,
                "link_differences": [], "link_disagreements": 0}  # fmt: skip
    differences = link_differences(project, facts[home_id])
    state = LinkState.REVIEW if differences else LinkState.LINKED
    if project.home_id == home_id and project.link_state == LinkState.CONFLICT:
        state = LinkState.CONFLICT  # still on the same home: `conflicts_settle` decides
    return {"home_id": home_id, "link_method": method, "link_state": state,
            "link_differences": differences, "link_disagreements": len(differences)}  # fmt: skip


def projects_link_auto(projects: Iterable[Project]) -> int:
    """Link (or relink, or unlink) projects and weigh their links; confirmed links stay.

    Return how many projects changed. Writes in bulk; the callers own the transaction.
    """
    candidates = [p for p in projects if p.link_state != LinkState.CONFIRMED]
    if not candidates:
        return 0
    matches = projects_match(candidates)
    facts = home_facts(home_id for home_id, _ in matches.values() if home_id)
    changed, homes_touched = [], set()
    for project in candidates:
        values = link_values(project, *matches[project.pk], facts)
        if any(getattr(project, name) != value for name, value in values.items()):
            homes_touched |= {project.home_id, values["home_id"]}
            for name, value in values.items():
                setattr(project, name, value)
            changed.append(project)
    links_write(changed)
    homes_touched |= {p.home_id for p in candidates}  # a conflict may now be due, or settled
    conflicts_settle(homes_touched - {None})
    return len(changed)


def links_write(projects: list[Project]) -> None:
    """Write the link fields of `projects` in bulk.

    On PostgreSQL one `UPDATE … FROM (VALUES …)` per 1,000 projects: Django's `bulk_update`
    builds a CASE per row and field, ~1 ms of Python each (26 s for a cold recheck of 2,000
    projects in benchmarks/links). Elsewhere (SQLite, a first local run) `bulk_update` serves.
    """
    if db.vendor != "postgresql":
        Project.objects.bulk_update(projects, LINK_FIELDS, batch_size=500)
        return
    for part in chunks(projects, 1000):
        with db.cursor() as cursor:
            cursor.execute(links_update_sql(len(part)), [
                value for p in part for value in (
                    p.pk, p.home_id, p.link_method, p.link_state,
                    json.dumps(p.link_differences), p.link_disagreements,
                )
            ])  # fmt: skip


def links_update_sql(rows: int) -> str:
    """Return the UPDATE for `rows` projects: only placeholders and our own table name in it."""
    row = "(CAST(%s AS bigint), CAST(%s AS bigint), %s, %s, CAST(%s AS jsonb), CAST(%s AS int))"
    values = ", ".join([row] * rows)
    table = Project._meta.db_table
    # Values are parameters; the table name is the model's own.
    return (
        f"UPDATE {table} AS p SET home_id = v.home_id, link_method = v.link_method, "  # noqa: S608
        "link_state = v.link_state, link_differences = v.link_differences, "
        "link_disagreements = v.link_disagreements "
        f"FROM (VALUES {values}) "
        "AS v(id, home_id, link_method, link_state, link_differences, link_disagreements) "
        "WHERE p.id = v.id"
    )


def conflicts_settle(home_ids: Iterable[int]) -> None:
    """Mark the unconfirmed projects of homes with several live projects as conflicts, and
    return those of homes with one back to linked / to review."""
    by_home = defaultdict(list)
    for part in chunks(sorted(set(home_ids))):
        rows = Project.objects.filter(home_id__in=part, deleted=False).values_list(
            "pk", "home_id", "link_state", "link_disagreements"
        )
        for row in rows:
            by_home[row[1]].append(row)
    wanted = defaultdict(list)
    for rows in by_home.values():
        for pk, _home, state, disagreements in rows:
            if state == LinkState.CONFIRMED:
                continue
            should = (
                LinkState.CONFLICT if len(rows) > 1
                else LinkState.REVIEW if disagreements else LinkState.LINKED
            )  # fmt: skip
            if should != state:
                wanted[should].append(pk)
    for state, pks in wanted.items():
        for part in chunks(pks):
            Project.objects.filter(pk__in=part).update(link_state=state)
