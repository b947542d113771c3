"""The location admin pages staff use: links up and down, counts, activation, region notice."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages

from builderops.core.review import ReviewState
from locations.models import Division, Neighborhood
from tests.factories import (
    DivisionFactory,
    HomeFactory,
    MasterCommunityFactory,
    NeighborhoodFactory,
    RegionFactory,
    superuser,
    user_in_role,
)

pytestmark = pytest.mark.django_db
NO_REGION = "Builder Backed has not activated a region for this account yet"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("path", ["", "add/"])
def test_division_pages_say_when_no_region_is_active(client, path):
    RegionFactory(active=False)
    client.force_login(user_in_role("Editor"))
    response = client.get(f"/admin/locations/division/{path}")
    assert response.status_code == 200
    assert NO_REGION in response.content.decode()


def test_division_pages_say_nothing_once_a_region_is_active(client):
    RegionFactory(active=True)
    client.force_login(user_in_role("Editor"))
    assert NO_REGION not in client.get("/admin/locations/division/").content.decode()


def test_a_neighborhood_page_counts_and_links_its_homes_fifty_at_most(client):
    neighborhood = NeighborhoodFactory(name="Oak Hollow")
    homes = HomeFactory.create_batch(55, neighborhood=neighborhood)
    HomeFactory()  # elsewhere
    client.force_login(user_in_role("Viewer"))
    page = client.get(f"/admin/locations/neighborhood/{neighborhood.pk}/change/").content.decode()
    assert "55 homes — showing the first 50." in page
    assert len(re.findall(r'href="/admin/homes/home/\d+/change/"', page)) == 50
    assert f'href="/admin/homes/home/{homes[0].pk}/change/"' in page
    view_all = f"/admin/homes/home/?neighborhood__id__exact={neighborhood.pk}"
    assert f'href="{view_all}">View all 55 homes</a>' in page
    listed = client.get(view_all).context["cl"]
    assert listed.result_count == 55


def test_a_division_page_lists_its_master_communities_and_its_region(client):
    division = DivisionFactory(region__name="Cincinnati")
    communities = MasterCommunityFactory.create_batch(2, division=division)
    client.force_login(user_in_role("Viewer"))
    page = client.get(f"/admin/locations/division/{division.pk}/change/").content.decode()
    assert "2 master communities." in page
    for community in communities:
        assert f'<a href="/admin/locations/mastercommunity/{community.pk}/change/">' in page
    assert f'<a href="/admin/locations/region/{division.region_id}/change/">Cincinnati</a>' in page


def test_changelists_link_each_row_up_the_chain_and_down_to_its_children(client):
    neighborhood = NeighborhoodFactory(name="Oak Hollow")
    HomeFactory.create_batch(3, neighborhood=neighborhood)
    community = neighborhood.master_community
    client.force_login(user_in_role("Viewer"))
    page = client.get("/admin/locations/neighborhood/").content.decode()
    assert f'<a href="/admin/locations/mastercommunity/{community.pk}/change/">' in page
    assert f'<a href="/admin/locations/division/{community.division_id}/change/">' in page
    homes_link = f"/admin/homes/home/?neighborhood__id__exact={neighborhood.pk}"
    assert f'<a href="{homes_link}" title="3 homes">3</a>' in page


def test_a_published_records_external_id_cannot_be_edited_on_its_page(client):
    draft, published = DivisionFactory(), DivisionFactory(published=True)
    client.force_login(user_in_role("Approver"))
    draft_page = client.get(f"/admin/locations/division/{draft.pk}/change/").content.decode()
    published_page = client.get(f"/admin/locations/division/{published.pk}/change/")
    assert 'name="external_id"' in draft_page
    assert 'name="external_id"' not in published_page.content.decode()


def test_deactivating_a_community_with_active_neighborhoods_is_refused(client):
    community = MasterCommunityFactory(name="Mason", external_id="MC_1")
    NeighborhoodFactory(master_community=community)
    client.force_login(user_in_role("Editor"))
    response = client.post(
        "/admin/locations/mastercommunity/",
        {"action": "deactivate", ACTION_CHECKBOX_NAME: [community.pk]},
        follow=True,
    )
    community.refresh_from_db()
    assert community.active
    assert (
        "“Mason (MC_1)”: Mason (MC_1) still has 1 active neighborhood: deactivate or move them "
        "first."
        in messages_of(response)
        or any("still has 1 active neighborhood" in m for m in messages_of(response))
    )


def test_an_editor_deactivating_an_approved_neighborhood_leaves_it_for_approval(client):
    neighborhood = NeighborhoodFactory(published=True)
    client.force_login(user_in_role("Editor"))
    client.post(
        "/admin/locations/neighborhood/",
        {"action": "deactivate", ACTION_CHECKBOX_NAME: [neighborhood.pk]},
    )
    neighborhood.refresh_from_db()
    assert (neighborhood.active, neighborhood.review_state) == (False, ReviewState.DRAFT)
    client.post(
        "/admin/locations/neighborhood/",
        {"action": "reactivate", ACTION_CHECKBOX_NAME: [neighborhood.pk]},
    )
    assert Neighborhood.objects.get(pk=neighborhood.pk).active


def test_the_parent_box_offers_only_active_parents(client):
    RegionFactory(name="Cincinnati", active=True)
    RegionFactory(name="Cincinnati North", active=False)
    client.force_login(user_in_role("Editor"))
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "locations",
            "model_name": "division",
            "field_name": "region",
            "term": "Cinc",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Cincinnati"]


def test_an_editor_adds_a_division_as_a_draft(client):
    region = RegionFactory()
    editor = user_in_role("Editor")
    client.force_login(editor)
    response = client.post(
        "/admin/locations/division/add/",
        {"external_id": " DIV_7 ", "name": "Dayton", "region": region.pk},
    )
    assert response.status_code == 302
    division = Division.objects.get(external_id="DIV_7")
    assert division.review_state == ReviewState.DRAFT
    assert division.history.get().history_user == editor


def test_a_superuser_may_delete_a_published_division_an_approver_may_not(client):
    division = DivisionFactory(published=True)
    client.force_login(user_in_role("Approver"))
    page = client.get(f"/admin/locations/division/{division.pk}/change/").content.decode()
    assert "deletelink" not in page
    client.force_login(superuser())
    page = client.get(f"/admin/locations/division/{division.pk}/change/").content.decode()
    assert "deletelink" in page
