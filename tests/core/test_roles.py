"""Who may do what, per role, on every reviewed model's admin (README, "Roles").

Each cell of the matrix drives the admin through Django's test client and checks what a user
would see: the HTTP status and whether the record really changed.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from builderops.core.admin import REVIEWED_VERSION_FIELD
from builderops.core.review import ReviewState
from homes.models import Home
from locations.models import Division, MasterCommunity, Neighborhood
from tests.core.approval import approve_confirmed, reviewed_version
from tests.factories import (
    DivisionFactory,
    HomeFactory,
    MasterCommunityFactory,
    NeighborhoodFactory,
    RegionFactory,
    chain,
    superuser,
    user_in_role,
)

ROLES = ("Viewer", "Editor", "Approver", "superuser")
EVERYONE = set(ROLES)
WRITERS = {"Editor", "Approver", "superuser"}
APPROVERS = {"Approver", "superuser"}
ALLOWED = {
    "view changelist": EVERYONE,
    "view change page": EVERYONE,
    "add": WRITERS,
    "change": WRITERS,
    "approve": APPROVERS,
    "return to draft": APPROVERS,
    "delete draft": WRITERS,
    "delete published": {"superuser"},
    "upload CSV page": WRITERS,
    "export CSV": EVERYONE,
}


@dataclass
class Case:
    model: Any
    parent_field: str
    new_parent: Any  # () -> an approved parent for a new record
    factory: Any

    @property
    def url(self) -> str:
        return f"/admin/{self.model._meta.app_label}/{self.model._meta.model_name}/"

    def make(self, **traits):
        return self.factory(**{self.parent_field: self.new_parent()}, **traits)

    def form_data(self, obj=None, **overrides) -> dict:
        data = (
            home_form_data(obj, self.new_parent)
            if self.model is Home
            else location_form_data(obj, self.parent_field, self.new_parent)
        )
        return {**data, **overrides}


def location_form_data(obj, parent_field, new_parent) -> dict:
    parent_id = getattr(obj, f"{parent_field}_id") if obj else new_parent().pk
    return {
        "external_id": obj.external_id if obj else "NEW_1",
        "name": obj.name if obj else "New place",
        "display_name": "",
        "abbreviated_name": "",
        parent_field: parent_id,
    }


def home_form_data(obj, new_parent) -> dict:
    return {
        "external_id": obj.external_id if obj else "HOME_NEW",
        "neighborhood": obj.neighborhood_id if obj else new_parent().pk,
        "address_line1": obj.address_line1 if obj else "1 Main St",
        "address_line2": "",
        "city": "Mason",
        "state": "OH",
        "postal_code": "45040",
        "home_type": "Single Family",
        "job_id": "",
        "product_collection": "",
        "home_model": "",
        "closing_date": "",
        "scheduled_closing_date": "",
        "homeowners-TOTAL_FORMS": "0",
        "homeowners-INITIAL_FORMS": "0",
        "homeowners-MIN_NUM_FORMS": "0",
        "homeowners-MAX_NUM_FORMS": "1000",
    }


CASES = {
    "division": Case(Division, "region", RegionFactory, DivisionFactory),
    "master community": Case(
        MasterCommunity, "division", lambda: DivisionFactory(approved=True), MasterCommunityFactory
    ),
    "neighborhood": Case(
        Neighborhood,
        "master_community",
        lambda: MasterCommunityFactory(approved=True, division__approved=True),
        NeighborhoodFactory,
    ),
    "home": Case(Home, "neighborhood", chain, HomeFactory),
}


def login(client, role):
    user = superuser() if role == "superuser" else user_in_role(role)
    client.force_login(user)
    return user


def state_of(obj):
    return type(obj).objects.filter(pk=obj.pk).values_list("review_state", flat=True).first()


def run_action(client, case, obj, action):
    if action == "approve_selected":  # through its confirmation page, as a browser does
        return approve_confirmed(client, case.url, [obj.pk])
    return client.post(case.url, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"})


# Each returns (HTTP status, whether the change the user asked for really happened).
def view_changelist(client, case):
    case.make()
    response = client.get(case.url)
    return response.status_code, response.status_code == 200 and len(
        response.context["cl"].result_list
    ) == 1


def view_change_page(client, case):
    obj = case.make(approved=True)
    response = client.get(f"{case.url}{obj.pk}/change/")
    return response.status_code, str(obj) in response.content.decode()


def add(client, case):
    before = case.model.objects.count()
    response = client.post(f"{case.url}add/", case.form_data())
    return response.status_code, case.model.objects.count() == before + 1


def change(client, case):
    obj = case.make(approved=True)
    field = "address_line1" if case.model is Home else "name"
    url = f"{case.url}{obj.pk}/change/"
    shown = client.get(url).context or {}  # the version the page shows goes back with the form
    version = (
        {REVIEWED_VERSION_FIELD: shown["reviewed_version"]} if "reviewed_version" in shown else {}
    )
    response = client.post(url, case.form_data(obj, **{field: "9 Renamed"}, **version))
    return response.status_code, getattr(type(obj).objects.get(pk=obj.pk), field) == "9 Renamed"


def approve(client, case):
    obj = case.make()
    response = run_action(client, case, obj, "approve_selected")
    return response.status_code, state_of(obj) == ReviewState.APPROVED


def return_to_draft(client, case):
    obj = case.make(approved=True)
    response = run_action(client, case, obj, "return_to_draft")
    return response.status_code, state_of(obj) == ReviewState.DRAFT


def delete_draft(client, case):
    obj = case.make()
    response = client.post(f"{case.url}{obj.pk}/delete/", {"post": "yes"})
    return response.status_code, not case.model.objects.filter(pk=obj.pk).exists()


def delete_published(client, case):
    obj = case.make(published=True)
    response = client.post(f"{case.url}{obj.pk}/delete/", {"post": "yes"})
    return response.status_code, not case.model.objects.filter(pk=obj.pk).exists()


def upload_csv_page(client, case):
    response = client.get(f"{case.url}import/")
    return response.status_code, response.status_code == 200


def export_csv(client, case):
    obj = case.make()
    response = client.post(
        case.url, {"action": "csv_export_selected", ACTION_CHECKBOX_NAME: [obj.pk]}
    )
    exported = response.get("Content-Type", "").startswith("text/csv")
    return response.status_code, exported and obj.external_id in response.getvalue().decode()


ACTIONS = {
    "view changelist": view_changelist,
    "view change page": view_change_page,
    "add": add,
    "change": change,
    "approve": approve,
    "return to draft": return_to_draft,
    "delete draft": delete_draft,
    "delete published": delete_published,
    "upload CSV page": upload_csv_page,
    "export CSV": export_csv,
}
REFUSED_WITH_403 = {"add", "change", "delete draft", "delete published", "upload CSV page"}


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("model", list(CASES))
def test_role_matrix(client, model, role, action):
    login(client, role)
    status, happened = ACTIONS[action](client, CASES[model])
    allowed = role in ALLOWED[action]
    assert happened == allowed, f"{role} {action} {model}: status {status}"
    if not allowed and action in REFUSED_WITH_403:
        assert status == 403
    if allowed:
        assert status in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("model", list(CASES))
def test_approve_and_return_to_draft_are_offered_only_to_approvers(client, model, role):
    login(client, role)
    CASES[model].make()
    response = client.get(CASES[model].url)
    form = response.context["action_form"]  # None when no action is offered at all
    offered = {name for name, _ in form.fields["action"].choices} if form else set()
    assert ("approve_selected" in offered) == (role in APPROVERS)
    assert ("return_to_draft" in offered) == (role in APPROVERS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Editor", "Approver", "superuser"])
@pytest.mark.parametrize("model", list(CASES))
def test_an_edit_returns_an_approved_record_to_draft_unless_the_editor_can_approve(
    client, model, role
):
    case = CASES[model]
    login(client, role)
    obj = case.make(approved=True)
    field = "address_line1" if case.model is Home else "name"
    url = f"{case.url}{obj.pk}/change/"
    version = {REVIEWED_VERSION_FIELD: reviewed_version(client, url)}
    client.post(url, case.form_data(obj, **{field: "9 Renamed"}, **version))
    expected = ReviewState.DRAFT if role == "Editor" else ReviewState.APPROVED
    assert state_of(obj) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
def test_regions_are_read_only_for_everyone(client, role):
    login(client, role)
    region = RegionFactory(name="Cincinnati")
    page = client.get(f"/admin/locations/region/{region.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post("/admin/locations/region/add/", {"name": "Dayton"}).status_code == 403
    changed = client.post(f"/admin/locations/region/{region.pk}/change/", {"name": "Renamed"})
    assert changed.status_code == 403
    deleted = client.post(f"/admin/locations/region/{region.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    region.refresh_from_db()
    assert region.name == "Cincinnati"


@pytest.mark.django_db
def test_a_viewer_sees_a_change_page_without_save_buttons(client):
    login(client, "Viewer")
    home = HomeFactory(neighborhood=chain(), homeowners=1)
    content = client.get(f"/admin/homes/home/{home.pk}/change/").content.decode()
    assert home.address_line1 in content
    assert 'name="_save"' not in content
    assert 'name="_approve"' not in content


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [("Viewer", False), ("Editor", True)])
def test_homeowners_are_edited_by_editors_not_viewers(client, role, allowed):
    login(client, role)
    home = HomeFactory(neighborhood=chain(), homeowners=1)
    owner = home.homeowners.get()
    response = client.post(
        f"/admin/homes/homeowner/{owner.pk}/change/",
        {"email": "new@example.com", "first_name": "Pat", "last_name": "Lee"},
    )
    owner.refresh_from_db()
    assert (owner.email == "new@example.com") == allowed
    assert response.status_code == (302 if allowed else 403)


# --- Site-wide pages and actions (issue 11 added or tightened these) ---------------------------
SITE_ALLOWED = {
    "pull regions from the region list": WRITERS,  # an outbound call and writes: not Viewers
    "pull regions from the sync page": WRITERS,
    "see the sync status page": EVERYONE,
    "apply own import": WRITERS,
    "see health details": EVERYONE,  # every role is staff; anonymous callers get the status only
    "see the login audit": {"superuser"},
}


def pull_regions(url):
    def run(client, monkeypatch):
        from integrations.builderbacked import admin_sync

        pulled = []
        counts = {"active": 1, "created": 0, "deactivated": 0}
        monkeypatch.setattr(admin_sync, "regions_pull_now", lambda: pulled.append(1) or counts)
        response = client.post(url)
        return response.status_code, bool(pulled)

    return run


def sync_status_page(client, monkeypatch):
    response = client.get("/admin/builderbacked/sync/")
    return response.status_code, response.status_code == 200


def apply_own_import(client, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    neighborhood = chain()
    header = "externalId,addressLine1,city,state,postalCode,type,neighborhoodExternalId"
    row = f"HOME_MATRIX,1 Oak St,Mason,OH,45040,Single Family,{neighborhood.external_id}"
    upload = SimpleUploadedFile("homes.csv", f"{header}\n{row}\n".encode())
    client.post("/admin/homes/home/import/", {"file": upload})
    from builderops.csvio.models import ImportJob

    job = ImportJob.objects.first()
    if job is None:
        return 403, False
    response = client.post(f"/admin/homes/home/import/{job.pk}/apply/")
    return response.status_code, Home.objects.filter(external_id="HOME_MATRIX").exists()


def health_details(client, monkeypatch):
    response = client.get("/healthz")
    return response.status_code, "database" in response.json()


def login_audit(client, monkeypatch):
    response = client.get("/admin/axes/accesslog/")
    return response.status_code, response.status_code == 200


SITE_ACTIONS = {
    "pull regions from the region list": pull_regions("/admin/locations/region/pull/"),
    "pull regions from the sync page": pull_regions("/admin/builderbacked/sync/pull-regions/"),
    "see the sync status page": sync_status_page,
    "apply own import": apply_own_import,
    "see health details": health_details,
    "see the login audit": login_audit,
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(SITE_ACTIONS))
@pytest.mark.parametrize("role", list(ROLES))
def test_site_role_matrix(client, monkeypatch, role, action):
    login(client, role)
    status, happened = SITE_ACTIONS[action](client, monkeypatch)
    allowed = role in SITE_ALLOWED[action]
    assert happened == allowed, f"{role} {action}: status {status}"
    if not allowed:
        assert status in (403, 404)
