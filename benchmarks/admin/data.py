"""Load the benchmark's homes into the database in bulk: deterministic, and never deletes.

Rows are added (external ids `BENCH_…`) until the database holds the asked number of homes, so
a second run reuses what the first one loaded. History rows are not written: the changelist does
not read them.
"""

import random
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from builderops.core.review import ReviewState
from homes.demo import CITIES as DEMO_CITIES
from homes.demo import FIRST, LAST, SUFFIXES
from homes.models import Home, Homeowner, HomeType
from locations.models import Division, MasterCommunity, Neighborhood, Region

BATCH = 5_000
DIVISIONS, COMMUNITIES_PER_DIVISION, NEIGHBORHOODS_PER_COMMUNITY = 4, 5, 10  # 200 neighborhoods
STREETS = [
    "Oak",
    "Maple",
    "Cedar",
    "Elm",
    "Pine",
    "Walnut",
    "Hickory",
    "Ash",
    "Birch",
    "Willow",
    "Sycamore",
    "Chestnut",
    "Magnolia",
    "Juniper",
    "Laurel",
    "Aspen",
    "Poplar",
    "Spruce",
]
CITIES = list(DEMO_CITIES.values())


def address_of(number: int) -> str:
    """Name the street address of bench home `number` (stable, so a search can target it)."""
    rng = random.Random(number)
    return f"{100 + number} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}"


def owner_email_of(number: int) -> str:
    rng = random.Random(-number)
    return f"{rng.choice(FIRST)}.{rng.choice(LAST)}{number}@example.com".lower()


def hierarchy_ensure(user) -> list[Neighborhood]:
    """Create the bench region → divisions → communities → neighborhoods once; return these."""
    approved = {
        "review_state": ReviewState.APPROVED,
        "approved_by": user,
        "approved_at": timezone.now(),
    }
    region, _ = Region.objects.get_or_create(name="Bench Region", defaults={"builder_id": 1})
    neighborhoods = []
    for d in range(1, DIVISIONS + 1):
        division = level_ensure(Division, f"BENCH_DIV_{d}", "region", region, approved)
        for c in range(1, COMMUNITIES_PER_DIVISION + 1):
            community = level_ensure(
                MasterCommunity, f"BENCH_MC_{d}_{c}", "division", division, approved
            )
            for n in range(1, NEIGHBORHOODS_PER_COMMUNITY + 1):
                neighborhoods.append(
                    level_ensure(
                        Neighborhood,
                        f"BENCH_NH_{d}_{c}_{n}",
                        "master_community",
                        community,
                        approved,
                    )
                )
    return neighborhoods


def level_ensure(model, external_id: str, parent_field: str, parent, approved: dict):
    obj, _ = model.objects.get_or_create(
        external_id=external_id,
        defaults={"name": external_id.replace("_", " ").title(), parent_field: parent, **approved},
    )
    return obj


def home_build(number: int, neighborhood: Neighborhood, user) -> Home:
    rng = random.Random(number * 7919)
    city, zip_code = CITIES[number % len(CITIES)]
    draft = number % 10 == 0
    return Home(
        external_id=f"BENCH_H_{number:06d}",
        neighborhood=neighborhood,
        address_line1=address_of(number),
        city=city,
        state="OH",
        postal_code=zip_code,
        home_type=HomeType.MULTI_FAMILY if rng.random() < 0.2 else HomeType.SINGLE_FAMILY,
        job_id=f"BJOB-{number:06d}",
        closing_date=None if rng.random() < 0.4 else timezone.now().date(),
        review_state=ReviewState.DRAFT if draft else ReviewState.APPROVED,
        approved_by=None if draft else user,
        approved_at=None if draft else timezone.now(),
    )


def owners_build(number: int, home: Home) -> list[Homeowner]:
    rng = random.Random(number * 104729)
    owners = [Homeowner(home=home, email=owner_email_of(number), first_name="Pat", last_name="X")]
    if rng.random() < 0.55:
        name, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{name}.{last}.{number}@example.org".lower()
        owners.append(Homeowner(home=home, email=email, first_name=name, last_name=last))
    return owners


def homes_load(*, target: int, user, progress=print) -> int:
    """Add bench homes (with homeowners) until there are `target` homes; return how many."""
    missing = target - Home.objects.count()
    if missing <= 0:
        return 0
    neighborhoods = hierarchy_ensure(user)
    start = Home.objects.filter(external_id__startswith="BENCH_H_").count() + 1
    numbers = iter(range(start, start + missing))
    while batch := list(islice(numbers, BATCH)):
        with transaction.atomic():
            homes = [home_build(n, neighborhoods[n % len(neighborhoods)], user) for n in batch]
            Home.objects.bulk_create(homes, batch_size=BATCH)
            owners = [
                o for n, home in zip(batch, homes, strict=True) for o in owners_build(n, home)
            ]
            Homeowner.objects.bulk_create(owners, batch_size=BATCH)
        progress(f"  loaded homes up to {batch[-1]:,}")
    return missing


def statistics_refresh() -> None:
    """ANALYZE the searched tables, so the planner knows the rows and the search indexes."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE homes_home")
        cursor.execute("ANALYZE homes_homeowner")
