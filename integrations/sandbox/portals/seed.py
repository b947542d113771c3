"""Generate the sandbox tenant's projects deterministically, one project number at a time.

Project `n` (1-based) depends only on `n` and the data seed, never on how many projects or children
are seeded, so demo data can build homes that match the portal's projects without a server:
`seed_project(7)` is exactly what `GET /projects` answers for job "JOB-0007" in a fresh sandbox
started with the default `--data-seed 1`. Seeded times lie before `ANCHOR`; every child is
stamped no later than its project, as the rule in `store.py` demands.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from integrations.sandbox.portals import seed_pools as pools
from integrations.sandbox.portals.clock import format_timestamp
from integrations.sandbox.portals.spec import PORTALS, PortalSpec
from integrations.sandbox.portals.totals import money

ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the seeded data's "today"


@dataclass(frozen=True)
class SeedOptions:
    projects: int = 20
    selections: int = 5
    change_orders: int = 3
    line_items: int = 3
    purchase_orders: int = 2
    tasks: int = 10
    data_seed: int = 1
    first_project: int = 1  # number (and job number) of the first seeded project

    def __post_init__(self):
        if not 1 <= self.first_project <= 9999:
            raise ValueError("--first-project must be between 1 and 9999")
        for name, value in vars(self).items():
            if name not in ("data_seed", "first_project") and not 0 <= value <= 9999:
                raise ValueError(f"--{name.replace('_', '-')} must be between 0 and 9999")


@dataclass(frozen=True)
class ProjectContext:
    """What a child generator needs to know about its project."""

    spec: PortalSpec
    n: int
    id: str
    fields: dict
    updated_at: datetime
    data_seed: int

    def rng(self, *parts) -> random.Random:
        """Return the random source for one record of this project."""
        return seeded_rng(self.data_seed, self.n, *parts)


def seeded_rng(data_seed: int, *parts) -> random.Random:
    """Return a random source that depends only on the data seed and `parts`."""
    return random.Random(":".join(str(p) for p in (data_seed, *parts)))


def seed_project(n: int, *, portal: str = "buildertrend", data_seed: int = 1) -> dict:
    """Return the `n`-th seeded project (1-based) in the API shape `GET /projects` answers."""
    spec = PORTALS[portal]
    fields, updated_at = project_fields(n, data_seed)
    return {"id": spec.project_id(n), **fields, "updatedAt": format_timestamp(updated_at)}


def project_context(spec: PortalSpec, n: int, data_seed: int) -> ProjectContext:
    """Build the generation context of project `n`."""
    fields, updated_at = project_fields(n, data_seed)
    return ProjectContext(spec, n, spec.project_id(n), fields, updated_at, data_seed)


def project_fields(n: int, data_seed: int) -> tuple[dict, datetime]:
    """Return project `n`'s fields (without id/updatedAt) and its seeded `updatedAt`."""
    rng = seeded_rng(data_seed, n, "project")
    status = pools.PROJECT_STATUSES[n % len(pools.PROJECT_STATUSES)]
    city, state, postal_code, area_code, _ = pools.CITIES[rng.randrange(len(pools.CITIES))]
    clients = _clients(rng, area_code)
    lot = rng.randint(1, 180)
    start = _start_date(rng, status)
    fields = {
        "name": _project_name(rng, clients, lot),
        "jobNumber": f"JOB-{n:04d}",
        "status": status,
        "address": {
            "line1": f"{rng.randint(101, 9899)} {rng.choice(pools.STREETS)}",
            "line2": f"Lot {lot}" if rng.random() < 0.3 else None,
            "city": city,
            "state": state,
            "postalCode": postal_code,
        },
        "clients": clients,
        "startDate": start.isoformat(),
        "projectedCompletionDate": (start + timedelta(days=rng.randint(150, 330))).isoformat(),
        "contractPrice": money(Decimal(rng.randrange(285_000, 1_250_000, 500))),
    }
    updated_at = ANCHOR - timedelta(
        seconds=rng.randint(3600, 90 * 86400), microseconds=rng.randint(0, 999_999)
    )
    return fields, updated_at


def _clients(rng: random.Random, area_code: str) -> list[dict]:
    last = rng.choice(pools.LAST_NAMES)
    firsts = rng.sample(pools.FIRST_NAMES, 2 if rng.random() < 0.6 else 1)
    return [
        {
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}@mail.example",
            "phone": f"({area_code}) 555-01{rng.randint(0, 99):02d}",
        }
        for first in firsts
    ]


def _project_name(rng: random.Random, clients: list[dict], lot: int) -> str:
    if rng.random() < 0.6:
        return f"{clients[0]['name'].split()[-1]} Residence"
    return f"{rng.choice(pools.COMMUNITIES)} Lot {lot}"


def _start_date(rng: random.Random, status: str) -> date:
    """Start in the future for presale jobs, recently for open ones, long ago for the rest."""
    days = {
        "presale": (15, 120),
        "open": (-240, -10),
        "warranty": (-560, -360),
        "closed": (-1100, -600),
    }[status]
    return ANCHOR.date() + timedelta(days=rng.randint(*days))


def tax_rate_for(context: ProjectContext) -> str:
    """Return the sales-tax rate of the project's city."""
    city = context.fields["address"]["city"]
    return next(rate for name, *_, rate in pools.CITIES if name == city)


def stamp_before(rng: random.Random, latest: datetime, max_days: int = 60) -> datetime:
    """Return a seeded time up to `max_days` before `latest` (never after it)."""
    jitter = timedelta(
        seconds=rng.randint(0, max_days * 86400), microseconds=rng.randint(1, 999_999)
    )
    return latest - jitter
