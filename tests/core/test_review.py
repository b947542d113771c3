"""Review rules as staff meet them: drafts, approvals, who approved and when, the audit trail."""

import html
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from builderops.core.admin import REVIEWED_VERSION_FIELD
from builderops.core.publishing import SyncState
from builderops.core.records import record_approve, records_approve_bulk
from builderops.core.review import ReviewState
from homes.models import Home
from locations.models import Division, MasterCommunity, Neighborhood
from locations.services import location_update
from tests.core.approval import approve_confirmed, reviewed_version
from tests.factories import (
    DivisionFactory,
    HomeFactory,
    MasterCommunityFactory,
    NeighborhoodFactory,
    chain,
    user_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return user_in_role("Editor", username="erin")


@pytest.fixture
def approver():
    return user_in_role("Approver", username="alex")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_editors_change_to_an_approved_record_waits_as_a_draft(client, editor):
    division = DivisionFactory(name="Cincinnati", published=True)
    client.force_login(editor)
    response = client.post(
        f"/admin/locations/division/{division.pk}/change/",
        {"external_id": division.external_id, "name": "Cincy", "region": division.region_id},
        follow=True,
    )
    division.refresh_from_db()
    assert (division.name, division.review_state) == ("Cincy", ReviewState.DRAFT)
    assert division.approved_by is None
    assert division.sync_version == 1, "a draft must not become due to publish"
    assert (
        f"“Cincy ({division.external_id})” was approved, so your change is saved as a draft: it "
        "waits for an approver, and Builder Backed keeps the last approved version until then."
    ) in messages_of(response)


def test_an_editor_is_warned_before_changing_an_approved_record(client, editor):
    division = DivisionFactory(approved=True)
    client.force_login(editor)
    page = client.get(f"/admin/locations/division/{division.pk}/change/").content.decode()
    assert "If you save a change, it returns to draft and waits for an approver" in page


def test_an_approvers_change_keeps_the_record_approved_and_due(approver):
    division = DivisionFactory(name="Cincinnati", published=True)
    location_update(obj=division, user=approver, data={"name": "Cincy"})
    division.refresh_from_db()
    assert division.review_state == ReviewState.APPROVED
    assert division.approved_by == approver
    assert (division.sync_state, division.sync_version) == (SyncState.PENDING, 2)


def test_approving_records_who_and_when(approver):
    division = DivisionFactory()
    record_approve(obj=division, user=approver)
    division.refresh_from_db()
    assert division.approved_by == approver
    assert division.approved_at is not None
    assert division.sync_state == SyncState.PENDING


def test_a_child_cant_be_approved_under_a_draft_parent(approver):
    community = MasterCommunityFactory(name="Mason", external_id="MC_1", division__approved=True)
    neighborhood = NeighborhoodFactory(name="Oak", external_id="NH_1", master_community=community)
    with pytest.raises(ValidationError) as caught:
        record_approve(obj=neighborhood, user=approver)
    assert caught.value.messages == [
        "Neighborhood “Oak (NH_1)” can't be approved while its master community “Mason (MC_1)” "
        "is a draft: approve that first."
    ]
    assert Neighborhood.objects.get().review_state == ReviewState.DRAFT


def test_bulk_approval_approves_parents_before_children(approver):
    neighborhood = chain(approved=False)
    home = HomeFactory(neighborhood=neighborhood)
    community, division = neighborhood.master_community, neighborhood.master_community.division
    approved, refused = records_approve_bulk(
        objs=[home, neighborhood, community, division], user=approver
    )
    assert approved == 4
    assert refused == []
    for model in (Division, MasterCommunity, Neighborhood, Home):
        assert model.objects.get().review_state == ReviewState.APPROVED


def test_approve_selected_confirms_first_then_approves(client, approver):
    community = MasterCommunityFactory(approved=True, division__approved=True)
    ready = NeighborhoodFactory(name="Oak Hollow", master_community=community)
    blocked = NeighborhoodFactory(
        name="Maple Run", master_community=MasterCommunityFactory(name="Draft MC")
    )
    done = NeighborhoodFactory(name="Cedar Bluff", master_community=community, approved=True)
    client.force_login(approver)
    url = "/admin/locations/neighborhood/"
    selected = [ready.pk, blocked.pk, done.pk]

    page = client.post(url, {"action": "approve_selected", ACTION_CHECKBOX_NAME: selected})
    content = page.content.decode()
    assert page.status_code == 200
    assert "These 1 will be approved" in content
    assert "Oak Hollow" in content
    assert "These 1 can't be approved" in content
    assert "is a draft: approve that first." in content
    assert "Already approved (1)" in content
    assert Neighborhood.objects.get(pk=ready.pk).review_state == ReviewState.DRAFT

    response = approve_confirmed(client, url, selected, follow=True)
    assert Neighborhood.objects.get(pk=ready.pk).review_state == ReviewState.APPROVED
    assert Neighborhood.objects.get(pk=blocked.pk).review_state == ReviewState.DRAFT
    assert messages_of(response) == [
        "Approved 1 neighborhood: they will be published.",
        f"Not approved: Neighborhood “{blocked}” can't be approved while its master community "
        f"“{blocked.master_community}” is a draft: approve that first.",
    ]


def test_save_and_approve_from_the_change_page(client, approver):
    division = DivisionFactory(name="Dayton")
    client.force_login(approver)
    url = f"/admin/locations/division/{division.pk}/change/"
    response = client.post(
        url,
        {
            "external_id": division.external_id,
            "name": "Dayton",
            "region": division.region_id,
            "_approve": "Save and approve",
            REVIEWED_VERSION_FIELD: reviewed_version(client, url),
        },
        follow=True,
    )
    division.refresh_from_db()
    assert division.review_state == ReviewState.APPROVED
    assert division.approved_by == approver
    assert f"“{division}” is approved: it will be published to Builder Backed." in messages_of(
        response
    )


def test_save_and_approve_says_why_a_child_stays_a_draft(client, approver):
    community = MasterCommunityFactory(name="Mason", division__approved=True)
    client.force_login(approver)
    response = client.post(
        "/admin/locations/neighborhood/add/",
        {
            "external_id": "NH_1",
            "name": "Oak",
            "master_community": community.pk,
            "_approve": "Save and approve",
        },
        follow=True,
    )
    neighborhood = Neighborhood.objects.get(external_id="NH_1")
    assert neighborhood.review_state == ReviewState.DRAFT
    assert any(
        m.startswith("“Oak (NH_1)” is saved as a draft, not approved:")
        for m in messages_of(response)
    )


def test_return_to_draft_withdraws_an_approval(client, approver):
    division = DivisionFactory(approved=True)
    client.force_login(approver)
    client.post(
        "/admin/locations/division/",
        {"action": "return_to_draft", ACTION_CHECKBOX_NAME: [division.pk]},
    )
    division.refresh_from_db()
    assert (division.review_state, division.approved_by) == (ReviewState.DRAFT, None)
    assert division.history.first().history_change_reason == "returned to draft"


def test_history_records_each_change_and_the_approval(client, editor, approver):
    client.force_login(editor)
    region = DivisionFactory.build().region
    region.save()
    client.post(
        "/admin/locations/division/add/",
        {"external_id": "DIV_1", "name": "Cincinnati", "region": region.pk},
    )
    division = Division.objects.get(external_id="DIV_1")
    client.post(
        f"/admin/locations/division/{division.pk}/change/",
        {"external_id": "DIV_1", "name": "Cincy", "region": region.pk},
    )
    record_approve(obj=Division.objects.get(pk=division.pk), user=approver)
    division.refresh_from_db()

    rows = list(division.history.order_by("history_date"))
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in rows] == [
        ("+", editor, None),
        ("~", editor, None),
        ("~", approver, "approved"),
    ]
    renamed = {c.field: (c.old, c.new) for c in rows[1].diff_against(rows[0]).changes}
    assert renamed == {"name": ("Cincinnati", "Cincy")}
    approval = {c.field: (c.old, c.new) for c in rows[2].diff_against(rows[1]).changes}
    assert approval["review_state"] == (ReviewState.DRAFT, ReviewState.APPROVED)
    assert (rows[2].approved_by, rows[2].approved_at) == (approver, division.approved_at)


def test_the_history_page_shows_who_changed_which_field_from_what_to_what(client, editor, approver):
    division = DivisionFactory(name="Cincinnati")
    location_update(obj=division, user=editor, data={"name": "Cincy"})
    record_approve(obj=division, user=approver)
    client.force_login(editor)
    page = client.get(f"/admin/locations/division/{division.pk}/history/").content.decode()
    rows = history_rows(page)
    # newest first: record, review state, date, comment, who, change reason, changes
    assert rows[0][3:] == ["Changed", "alex", "approved", "Review state: draft → approved"]
    assert rows[1][3:] == ["Changed", "erin", "—", "Name: Cincinnati → Cincy"]
    assert rows[2][3:6] == ["Created", "—", "—"]  # no one, no reason: a dash, never "None"
    assert [row[1] for row in rows] == ["Approved", "Draft", "Draft"]  # labels, not values
    assert "Revert" not in page


def test_the_home_history_page_shows_homeowner_changes(client, editor):
    home = HomeFactory(neighborhood=chain())
    client.force_login(editor)
    client.post(f"/admin/homes/home/{home.pk}/change/", home_form(home, "pat@example.com"))
    owner = home.homeowners.get()
    client.post(
        f"/admin/homes/home/{home.pk}/change/", home_form(home, "pat@new.example.com", owner.pk)
    )
    page = client.get(f"/admin/homes/home/{home.pk}/history/").content.decode()
    owners = history_rows(page, table_id="homeowner-history")
    assert [row[0] for row in owners] == ["pat@new.example.com", "pat@example.com"]
    assert owners[0][2:] == ["Changed", "erin", "Email: pat@example.com → pat@new.example.com"]
    assert owners[1][2:4] == ["Created", "erin"]


def history_rows(page: str, table_id: str = "change-history") -> list[list[str]]:
    """Read a history table as the cells' visible text, row by row."""
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = []
    for row in body.split("<tr>")[1:]:
        cells = row.split("<td>")[1:]
        rows.append([visible_text(cell.split("</td>", 1)[0]) for cell in cells])
    return rows


def visible_text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def home_form(home, email, owner_pk=None) -> dict:
    return {
        "external_id": home.external_id,
        "neighborhood": home.neighborhood_id,
        "address_line1": home.address_line1,
        "city": home.city,
        "state": home.state,
        "postal_code": home.postal_code,
        "home_type": home.home_type,
        "homeowners-TOTAL_FORMS": "1",
        "homeowners-INITIAL_FORMS": "1" if owner_pk else "0",
        "homeowners-MIN_NUM_FORMS": "0",
        "homeowners-MAX_NUM_FORMS": "1000",
        "homeowners-0-id": owner_pk or "",
        "homeowners-0-home": home.pk,
        "homeowners-0-email": email,
    }


def test_approve_all_selected_across_pages_confirms_and_approves_them_all(client, approver):
    community = MasterCommunityFactory(approved=True, division__approved=True)
    drafts = NeighborhoodFactory.create_batch(3, master_community=community)
    client.force_login(approver)
    url = "/admin/locations/neighborhood/"
    across = {
        "action": "approve_selected",
        ACTION_CHECKBOX_NAME: [drafts[0].pk],
        "select_across": "1",
    }
    page = client.post(url, across)
    assert "These 3 will be approved" in page.content.decode()
    approve_confirmed(client, url, across.pop(ACTION_CHECKBOX_NAME), **across)
    states = set(Neighborhood.objects.values_list("review_state", flat=True))
    assert states == {ReviewState.APPROVED}
