"""The home and homeowner changelists run the same few queries at 20 homes as at 300."""

import pytest

from homes.models import Home, Homeowner
from tests.factories import HomeFactory, HomeownerFactory, chain, superuser, user_in_role

MAX_QUERIES = 12  # session, user, permissions, count, page, one per related filter
SMALL, LARGE = 20, 300


def grow_homes(neighborhood, count):
    """Add `count` homes with two homeowners each, in bulk (the ORM, not under test here)."""
    homes = Home.objects.bulk_create(HomeFactory.build_batch(count, neighborhood=neighborhood))
    owners = [o for home in homes for o in HomeownerFactory.build_batch(2, home=home)]
    Homeowner.objects.bulk_create(owners)


def home_urls(neighborhood, email):
    community = neighborhood.master_community
    base = "/admin/homes/home/"
    return {
        "plain": base,
        "searched by address": f"{base}?q=Oak",
        "searched by homeowner email": f"{base}?q={email.upper()}",
        "searched by two words": f"{base}?q=Oak+Cincinnati",
        "filtered by neighborhood and review state": (
            f"{base}?neighborhood__id__exact={neighborhood.pk}&review_state__exact=draft"
        ),
        "filtered up the chain": (
            f"{base}?neighborhood__master_community__id__exact={community.pk}"
            f"&neighborhood__master_community__division__id__exact={community.division_id}"
        ),
        "filtered by type, sync, closing date": (
            f"{base}?home_type__exact=Single+Family&sync_state__exact=not_published"
            "&closing_date__isnull=True&market_home__exact=0"
        ),
        "sorted by ZIP": f"{base}?o=5",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Viewer", "superuser"])
def test_home_changelist_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, role):
    neighborhood = chain()
    client.force_login(superuser() if role == "superuser" else user_in_role(role))
    counts = {}
    for added in (SMALL, LARGE - SMALL):
        grow_homes(neighborhood, added)
        urls = home_urls(neighborhood, Homeowner.objects.first().email)
        for name, url in urls.items():
            with django_assert_max_num_queries(MAX_QUERIES) as queries:
                response = client.get(url)
            assert response.status_code == 200
            assert response.context["cl"].result_list, f"{name} found nothing"
            counts.setdefault(name, []).append(len(queries))
    assert client.get(urls["plain"]).context["cl"].result_count == LARGE
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries at {SMALL} homes, {large} at {LARGE}"


@pytest.mark.django_db
def test_homeowner_changelist_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    neighborhood = chain()
    client.force_login(user_in_role("Editor"))
    counts = []
    for added in (SMALL // 2, (LARGE - SMALL) // 2):
        grow_homes(neighborhood, added)
        with django_assert_max_num_queries(MAX_QUERIES) as queries:
            response = client.get("/admin/homes/homeowner/?q=example.com")
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == min(50, Homeowner.objects.count())
        counts.append(len(queries))
    assert counts[0] == counts[1]
