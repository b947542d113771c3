"""Deterministic demo homes: 100 per demo neighborhood (2,000), each with one or two homeowners.

Job ids `JOB-0001`… match the portal sandboxes' seeded job numbers, so projects link to homes;
every twelfth home has no job id yet, so some portal jobs have no home to link to.
Most homes are approved (they publish on a first run); every tenth stays a draft to review.
"""

import random
from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from builderops.core.review import ReviewState
from homes.models import Home, Homeowner, HomeType
from locations.demo import approved_fields
from locations.models import Neighborhood

HOMES_PER_NEIGHBORHOOD = 100
STREETS = ["Oak", "Maple", "Cedar", "Elm", "Pine", "Walnut", "Hickory", "Ash", "Birch", "Willow"]
SUFFIXES = ["St", "Ave", "Ct", "Dr", "Ln", "Way", "Pl", "Trl"]
CITIES = {
    "MC_CIN_01": ("Mason", "45040"),
    "MC_CIN_02": ("Cincinnati", "45230"),
    "MC_DAY_01": ("Beavercreek", "45434"),
    "MC_DAY_02": ("Centerville", "45459"),
    "MC_COL_01": ("Dublin", "43017"),
    "MC_COL_02": ("Westerville", "43081"),
}
FIRST = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Mia",
    "Lucas",
    "Amelia",
    "Mason",
    "Harper",
    "Ethan",
    "Evelyn",
    "Logan",
    "Abigail",
    "Aiden",
    "Ella",
    "Jack",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Walker",
]


def home_spec(number: int, neighborhood: Neighborhood, rng: random.Random) -> Home:
    """Build (not save) the demo home with this 1-based number."""
    city, zip_code = CITIES[neighborhood.master_community.external_id]
    closing = date(2026, 1, 15) + timedelta(days=rng.randrange(0, 540))
    closed = rng.random() < 0.6
    return Home(
        external_id=f"HOME_{number:05d}",
        neighborhood=neighborhood,
        address_line1=f"{100 + number} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}",
        city=city,
        state="OH",
        postal_code=zip_code,
        home_type=HomeType.MULTI_FAMILY if rng.random() < 0.2 else HomeType.SINGLE_FAMILY,
        market_home=rng.random() < 0.05,
        job_id="" if number % 12 == 0 else f"JOB-{number:04d}",  # lots without a job yet
        product_collection=rng.choice(["Designer", "Signature", "Classic"]),
        home_model=rng.choice(["Ashton", "Bristol", "Carlisle", "Dover", "Everett"]),
        closing_date=closing if closed else None,
        scheduled_closing_date=None if closed else closing,
    )


def owners_spec(home: Home, rng: random.Random) -> list[Homeowner]:
    last = rng.choice(LAST)
    owners = []
    for i in range(1 if rng.random() < 0.45 else 2):
        first = rng.choice(FIRST)
        email = f"{first}.{last}{home.external_id[-5:]}{'' if i == 0 else i}@example.com".lower()
        owners.append(Homeowner(home=home, email=email, first_name=first, last_name=last))
    return owners


def homes_demo_load(*, user) -> dict[str, int]:
    """Create the missing demo homes and their homeowners in bulk; return counts created."""
    rng = random.Random(2026)  # demo data, not security
    neighborhoods = list(
        Neighborhood.objects.filter(external_id__startswith="NH_")
        .select_related("master_community")
        .order_by("external_id")[:20]
    )
    existing = set(Home.objects.values_list("external_id", flat=True))
    new_homes, owners_by_id = [], {}
    number = 0
    for neighborhood in neighborhoods:
        for _ in range(HOMES_PER_NEIGHBORHOOD):
            number += 1
            home = home_spec(number, neighborhood, rng)
            owners = owners_spec(home, rng)  # drawn even when skipped: same data every run
            if home.external_id in existing:
                continue
            if number % 10:
                for field, value in approved_fields(user).items():
                    setattr(home, field, value)
            else:
                home.review_state = ReviewState.DRAFT
            new_homes.append(home)
            owners_by_id[home.external_id] = owners
    bulk_create_with_history(new_homes, Home, batch_size=500, default_user=user)
    saved = Home.objects.in_bulk([h.external_id for h in new_homes], field_name="external_id")
    owners = []
    for external_id, home_owners in owners_by_id.items():
        for owner in home_owners:
            owner.home = saved[external_id]
            owners.append(owner)
    bulk_create_with_history(owners, Homeowner, batch_size=500, default_user=user)
    return {"homes": len(new_homes), "homeowners": len(owners)}
