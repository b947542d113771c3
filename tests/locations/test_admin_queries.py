"""Each location changelist runs the same few queries at 20 rows as at 300 (and so at 100,000)."""

import pytest

from builderops.core.review import ReviewState
from locations.models import Division, MasterCommunity, Neighborhood
from tests.factories import (
    DivisionFactory,
    HomeFactory,
    MasterCommunityFactory,
    NeighborhoodFactory,
    RegionFactory,
    superuser,
    user_in_role,
)

MAX_QUERIES = 12  # session, user, permissions, count, page, one per related filter, …
SMALL, LARGE = 20, 300


def grow_divisions(region, count):
    DivisionFactory.create_batch(count, region=region)


def grow_master_communities(division, count):
    MasterCommunityFactory.create_batch(count, division=division)


def grow_neighborhoods(community, count):
    for neighborhood in NeighborhoodFactory.create_batch(count, master_community=community):
        HomeFactory(neighborhood=neighborhood)


def world():
    """Create one region → division → master community to hang rows under."""
    region = RegionFactory()
    division = DivisionFactory(region=region, approved=True)
    community = MasterCommunityFactory(division=division, approved=True)
    return region, division, community


CASES = {
    "division": (Division, lambda w: (w[0], grow_divisions)),
    "mastercommunity": (MasterCommunity, lambda w: (w[1], grow_master_communities)),
    "neighborhood": (Neighborhood, lambda w: (w[2], grow_neighborhoods)),
}


def variants(model_name, w):
    region, division, community = w
    base = f"/admin/locations/{model_name}/"
    parent_filter = {
        "division": f"region__id__exact={region.pk}",
        "mastercommunity": f"division__id__exact={division.pk}"
        f"&division__region__id__exact={region.pk}",
        "neighborhood": f"master_community__id__exact={community.pk}"
        f"&master_community__division__id__exact={division.pk}",
    }[model_name]
    return {
        "plain": base,
        "searched": f"{base}?q=0",
        "filtered": f"{base}?review_state__exact={ReviewState.DRAFT}&active__exact=1"
        f"&sync_state__exact=not_published&{parent_filter}",
        "sorted by name": f"{base}?o=2",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Editor", "superuser"])
@pytest.mark.parametrize("model_name", list(CASES))
def test_location_changelist_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, model_name, role
):
    model, grower = CASES[model_name]
    w = world()
    parent, grow = grower(w)
    client.force_login(superuser() if role == "superuser" else user_in_role(role))
    urls = variants(model_name, w)
    counts = {}
    for size in (SMALL, LARGE):
        grow(parent, size - model.objects.count())
        for name, url in urls.items():
            with django_assert_max_num_queries(MAX_QUERIES) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts.setdefault(name, []).append(len(queries))
        plain = client.get(urls["plain"]).context["cl"]
        assert plain.result_count == size
        assert len(plain.result_list) == min(size, 50)
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries at {SMALL} rows, {large} at {LARGE}"


@pytest.mark.django_db
def test_region_changelist_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    client.force_login(user_in_role("Viewer"))
    counts = []
    for added in (SMALL, LARGE - SMALL):
        for region in RegionFactory.create_batch(added):
            DivisionFactory(region=region)
        with django_assert_max_num_queries(MAX_QUERIES) as queries:
            response = client.get("/admin/locations/region/?q=Region&active__exact=1")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
