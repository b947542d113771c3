"""Load the benchmark's records straight through the ORM: approved, due, never published."""

from django.db import connection
from django.utils import timezone

from builderops.core.publishing import SyncState
from builderops.core.review import ReviewState
from homes.models import Home, Homeowner
from locations.models import Division, MasterCommunity, Neighborhood, Region

TABLES = (
    "homes_homeowner", "homes_home", "locations_neighborhood", "locations_mastercommunity",
    "locations_division", "locations_region",
)  # fmt: skip


def data_reset() -> None:
    """Empty the benchmark database's location and home tables."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def due_fields() -> dict:
    now = timezone.now()
    return {
        "review_state": ReviewState.APPROVED, "approved_at": now,
        "sync_state": SyncState.PENDING, "sync_version": 1, "sync_due_since": now,
    }  # fmt: skip


def data_load(*, homes: int, divisions: int, communities: int, neighborhoods: int) -> int:
    """Create the hierarchy and `homes` homes with one homeowner each; return records made."""
    region = Region.objects.create(name="Cincinnati", remote_id=1, builder_id=1, active=True)
    made = [Division(external_id=f"DIV_{i:02d}", name=f"Division {i}", region=region,
                     **due_fields()) for i in range(divisions)]  # fmt: skip
    Division.objects.bulk_create(made)
    parents = list(Division.objects.order_by("pk"))
    MasterCommunity.objects.bulk_create(
        MasterCommunity(external_id=f"MC_{i:03d}", name=f"Community {i}",
                        division=parents[i % divisions], **due_fields())
        for i in range(communities)
    )  # fmt: skip
    parents = list(MasterCommunity.objects.order_by("pk"))
    Neighborhood.objects.bulk_create(
        Neighborhood(external_id=f"NH_{i:04d}", name=f"Neighborhood {i}",
                     master_community=parents[i % communities], **due_fields())
        for i in range(neighborhoods)
    )  # fmt: skip
    parents = list(Neighborhood.objects.order_by("pk"))
    Home.objects.bulk_create(
        (home_new(i, parents[i % neighborhoods]) for i in range(homes)), batch_size=2000
    )
    Homeowner.objects.bulk_create(
        (Homeowner(home_id=pk, email=f"owner{pk}@example.com", first_name="Pat",
                   last_name="Rivera") for pk in Home.objects.values_list("pk", flat=True)),
        batch_size=2000,
    )  # fmt: skip
    return divisions + communities + neighborhoods + homes


def home_new(i: int, neighborhood) -> Home:
    return Home(
        external_id=f"H_{i:06d}", neighborhood=neighborhood, address_line1=f"{100 + i} Oak St",
        city="Mason", state="OH", postal_code="45040", home_type="Single Family",
        job_id=f"JOB-{i:06d}", closing_date=None, **due_fields(),
    )  # fmt: skip
