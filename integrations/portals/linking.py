"""Link portal projects to homes: by job number, else by normalized address, else by staff.

Automatic links follow the data: a project whose job number or address changes is linked again
(or unlinked when nothing matches). A link staff picked (`manual`) is never touched by auto-linking.
A match must be unique — two homes with the same job id or address link neither.
"""

import operator
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import reduce

from django.db import transaction
from django.db.models import Q

from homes.models import Home
from integrations.portals.models import LinkMethod, Project

# USPS Publication 28, appendix C1 (street suffixes) and the directionals, most common first.
USPS_ABBREVIATIONS = {
    "street": "st", "avenue": "ave", "drive": "dr", "court": "ct", "lane": "ln", "road": "rd",
    "boulevard": "blvd", "place": "pl", "terrace": "ter", "circle": "cir", "trail": "trl",
    "parkway": "pkwy", "highway": "hwy", "square": "sq", "crossing": "xing", "point": "pt",
    "ridge": "rdg", "run": "run", "way": "way", "loop": "loop", "cove": "cv", "creek": "crk",
    "heights": "hts", "hollow": "holw", "meadow": "mdw", "meadows": "mdws", "path": "path",
    "pike": "pike", "station": "sta", "view": "vw", "village": "vlg", "glen": "gln",
    "grove": "grv", "harbor": "hbr", "hill": "hl", "hills": "hls", "landing": "lndg",
    "manor": "mnr", "park": "park", "pass": "pass", "plaza": "plz", "spring": "spg",
    "springs": "spgs", "summit": "smt", "valley": "vly", "expressway": "expy",
    "north": "n", "south": "s", "east": "e", "west": "w",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
_PUNCTUATION = re.compile(r"[^\w\s]")
_WHITESPACE = re.compile(r"\s+")
_ZIP5 = re.compile(r"^\D*(\d{5})")


def address_line_normalize(line: str) -> str:
    """Lower-case, strip punctuation, collapse whitespace and abbreviate suffixes (USPS)."""
    words = _WHITESPACE.sub(" ", _PUNCTUATION.sub(" ", (line or "").lower())).split()
    return " ".join(USPS_ABBREVIATIONS.get(word, word) for word in words)


def address_key(line1: str, city: str, state: str, postal_code: str) -> str | None:
    """Return the comparable form of an address, or None when it is too incomplete to match."""
    zip_match = _ZIP5.match(postal_code or "")
    street = address_line_normalize(line1)
    if not (street and zip_match and city and state):
        return None
    city_key = address_line_normalize(city)
    return f"{street}|{city_key}|{state.strip().lower()}|{zip_match.group(1)}"


def project_address_key(project: Project) -> str | None:
    """Return a project's address key."""
    return address_key(project.address_line1, project.city, project.state, project.postal_code)


def _unique(index: dict[str, list[int]], key: str | None) -> int | None:
    """Return the only home id under `key`, or None when there is none or several."""
    ids = index.get(key) if key else None
    return ids[0] if ids and len(ids) == 1 else None


def homes_by_job(projects: list[Project]) -> dict[str, list[int]]:
    """Index the homes whose job id is one of the projects' job numbers."""
    jobs = {p.job_number.strip() for p in projects if p.job_number.strip()}
    index = defaultdict(list)
    if jobs:
        for pk, job_id in Home.objects.filter(job_id__in=jobs).values_list("pk", "job_id"):
            index[job_id.strip()].append(pk)
    return index


def homes_by_address(projects: list[Project]) -> dict[str, list[int]]:
    """Index the homes in the projects' ZIP codes by address key (one query)."""
    zips = {m.group(1) for p in projects if (m := _ZIP5.match(p.postal_code or ""))}
    index = defaultdict(list)
    if not zips:
        return index
    in_zips = reduce(operator.or_, (Q(postal_code__startswith=zip5) for zip5 in zips))
    rows = Home.objects.filter(in_zips).values_list(
        "pk", "address_line1", "city", "state", "postal_code"
    )
    for pk, *parts in rows:
        index[address_key(*parts)].append(pk)
    return index


def projects_match(projects: list[Project]) -> dict[int, tuple[int | None, str]]:
    """Return {project pk: (home id, link method)} — by job number first, then by address."""
    by_job = homes_by_job(projects)
    matches, unmatched = {}, []
    for project in projects:
        home_id = _unique(by_job, project.job_number.strip() or None)
        if home_id is None:
            unmatched.append(project)
        else:
            matches[project.pk] = (home_id, LinkMethod.AUTO_JOB)
    by_address = homes_by_address(unmatched) if unmatched else {}
    for project in unmatched:
        home_id = _unique(by_address, project_address_key(project))
        matches[project.pk] = (home_id, LinkMethod.AUTO_ADDRESS if home_id else "")
    return matches


def projects_link_auto(projects: Iterable[Project]) -> int:
    """Link (or relink, or unlink) projects automatically; manual links are left alone.

    Return how many projects changed. Writes in bulk; the callers own the transaction.
    """
    candidates = [p for p in projects if p.link_method != LinkMethod.MANUAL]
    if not candidates:
        return 0
    matches = projects_match(candidates)
    changed = []
    for project in candidates:
        home_id, method = matches[project.pk]
        if (project.home_id, project.link_method) != (home_id, method):
            project.home_id, project.link_method = home_id, method
            changed.append(project)
    Project.objects.bulk_update(changed, ["home", "link_method"], batch_size=500)
    return len(changed)


@transaction.atomic
def project_link_manual(*, project: Project, home: Home | None) -> Project:
    """Link a project to the home staff picked; None hands the project back to auto-linking."""
    if home is None:
        project.home, project.link_method = None, ""
        project.save(update_fields=["home", "link_method", "updated_at"])
        projects_link_auto([project])
        return project
    project.home, project.link_method = home, LinkMethod.MANUAL
    project.save(update_fields=["home", "link_method", "updated_at"])
    return project
