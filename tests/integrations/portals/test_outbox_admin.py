"""Portal outbox admin: who sees which write button, drafting with totals, approving, the
portal's 400 on the right field, and the Portal outbox list's actions."""

import pytest
from django.urls import reverse

from integrations.portals.models.outbox import PortalWrite, WriteKind, WriteState
from integrations.portals.outbox import services
from tests.factories import superuser, user_in_role
from tests.integrations.portals.factories import PortalConnectionFactory, ProjectFactory
from tests.integrations.portals.test_outbox import CO_BODY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sends_recorded(monkeypatch):
    from integrations.portals.outbox import tasks

    queued = []
    monkeypatch.setattr(tasks.portal_write_send_task, "delay", queued.append)
    return queued


@pytest.fixture
def project():
    return ProjectFactory(connection=PortalConnectionFactory(portal="coconstruct"))


def as_user(client, role):
    client.force_login(user_in_role(role))
    return client


def new_url(project, kind="change_order"):
    return reverse("admin:integrations_portalwrite_new", args=[project.pk, kind])


def draft(project, **values) -> PortalWrite:
    write = services.portal_write_draft_create(
        project=project, kind=WriteKind.CHANGE_ORDER, body=CO_BODY, title="Add outlet", user=None
    )
    PortalWrite.objects.filter(pk=write.pk).update(**values)
    write.refresh_from_db()
    return write


def form_data(action: str, **overrides) -> dict:
    data = {
        "title": "Garage outlets", "description": "East wall", "deadline": "2026-12-15",
        "signature_required": "on", "tax_rate_percent": "7.25",
        "lines-TOTAL_FORMS": "4", "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Outlet", "lines-0-cost_code": "16-100", "lines-0-quantity": "2",
        "lines-0-unit_cost": "150.00", "lines-0-markup_percent": "10", "lines-0-taxable": "on",
        "lines-1-description": "Labor", "lines-1-cost_code": "01-200",
        "lines-1-quantity": "1.5", "lines-1-unit_cost": "80.00",
        "lines-2-description": "Credit", "lines-2-cost_code": "01-900",
        "lines-2-quantity": "1", "lines-2-unit_cost": "-25.00",
        action: "x",
    }  # fmt: skip
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("role", "sees"), [("Viewer", False), ("Editor", True), ("Approver", True)]
)
def test_only_roles_that_draft_see_new_change_order(client, project, role, sees):
    page = as_user(client, role).get(
        reverse("admin:integrations_project_change", args=[project.pk])
    )

    assert page.status_code == 200
    assert ("New change order" in page.content.decode()) is sees
    assert as_user(client, role).get(new_url(project)).status_code == (200 if sees else 403)


def test_an_editor_previews_the_totals_then_submits_the_draft(client, project):
    as_user(client, "Editor")

    preview = client.post(new_url(project), form_data("_preview"))
    assert preview.status_code == 200
    assert "448.93" in preview.content.decode()  # 395 + 30 markup + 23.93 tax
    assert not PortalWrite.objects.exists()

    saved = client.post(new_url(project), form_data("_submit"))

    write = PortalWrite.objects.get()
    assert saved.url == reverse("admin:integrations_portalwrite_change", args=[write.pk])
    assert write.state == WriteState.AWAITING_APPROVAL
    assert write.body["taxRate"] == "0.0725"
    assert [item["unitCost"] for item in write.body["lineItems"]] == ["150.00", "80.00", "-25.00"]


def test_an_editor_cannot_approve_and_an_approver_sends(
    client, project, sends_recorded, django_capture_on_commit_callbacks
):
    write = draft(project, state=WriteState.AWAITING_APPROVAL)
    page_url = reverse("admin:integrations_portalwrite_change", args=[write.pk])
    approve_url = reverse("admin:integrations_portalwrite_step", args=[write.pk, "approve"])

    assert "Approve and send" not in as_user(client, "Editor").get(page_url).content.decode()
    assert as_user(client, "Editor").post(approve_url).status_code == 403

    assert "Approve and send" in as_user(client, "Approver").get(page_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(approve_url)
    write.refresh_from_db()
    assert write.state == WriteState.SENDING
    assert sends_recorded == [write.pk]


def test_a_viewer_sees_no_write_buttons_on_a_write(client, project):
    write = draft(project, state=WriteState.FAILED)

    page = as_user(client, "Viewer").get(
        reverse("admin:integrations_portalwrite_change", args=[write.pk])
    )

    assert page.status_code == 200
    for label in ("Approve and send", "Retry", "Discard", "Submit for approval", ">Edit<"):
        assert label not in page.content.decode()


@pytest.mark.parametrize(
    ("field", "cell"),
    [("taxRate", "field-tax_rate_percent"), ("lineItems[1].unitCost", "field-unit_cost")],
)
def test_a_portal_400_lands_on_the_field_it_names(client, project, field, cell):
    write = draft(project, error_field=field, error="The portal refused this value.")

    page = as_user(client, "Editor").get(
        reverse("admin:integrations_portalwrite_edit", args=[write.pk])
    )

    html = page.content.decode()
    if field.startswith("lineItems"):
        row = html[html.index('class="line-1 errors"') :]
        html = row[: row.index("</tr>")]
    marked = html[html.index(cell) :]
    assert marked.index("The portal refused this value.") < marked.index("<input")


def test_the_outbox_list_filters_by_state_and_retries_with_counts(client, project):
    failed = [draft(project, state=WriteState.FAILED, idempotency_key=f"k{n}") for n in range(2)]
    sent = draft(project, state=WriteState.SENT)
    client.force_login(superuser())
    url = reverse("admin:integrations_portalwrite_changelist")

    listed = client.get(url, {"state__exact": "failed"})
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2

    ids = [str(w.pk) for w in [*failed, sent]]
    done = client.post(url, {"action": "retry_selected", "_selected_action": ids}, follow=True)

    text = done.content.decode()
    assert "2 writes were queued to be sent again. 1 write could not be" in text
    assert PortalWrite.objects.filter(state=WriteState.SENDING).count() == 2


# --- Role x action matrix for every outbox action (issue 13) ----------------------------------
DRAFTERS = {"Editor", "Approver", "superuser"}
SENDERS = {"Approver", "superuser"}
STEP_STATES = {
    "submit": WriteState.DRAFT,
    "approve": WriteState.AWAITING_APPROVAL,
    "retry": WriteState.FAILED,
    "discard": WriteState.DRAFT,
}
OUTCOMES = {
    "submit": WriteState.AWAITING_APPROVAL,
    "approve": WriteState.SENDING,
    "retry": WriteState.SENDING,
    "discard": WriteState.DISCARDED,
}
ALLOWED = {"draft": DRAFTERS, "submit": DRAFTERS, "discard": DRAFTERS, "approve": SENDERS,
           "retry": SENDERS}  # fmt: skip


def login_as(client, role):
    client.force_login(superuser() if role == "superuser" else user_in_role(role))


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ["Viewer", "Editor", "Approver", "superuser"])
def test_outbox_role_matrix(client, project, role, action):
    login_as(client, role)
    if action == "draft":
        response = client.post(new_url(project), form_data("_save"))
        happened = PortalWrite.objects.exists()
    else:
        write = draft(project, state=STEP_STATES[action], idempotency_key="k")
        url = reverse("admin:integrations_portalwrite_step", args=[write.pk, action])
        response = client.post(url)
        write.refresh_from_db()
        happened = write.state == OUTCOMES[action]

    assert happened == (role in ALLOWED[action]), f"{role} {action}: {response.status_code}"
    if role not in ALLOWED[action]:
        assert response.status_code == 403


# --- Selection groups (Buildertrend) and purchase orders (CoConstruct) -------------------------
def test_each_portal_offers_only_the_writes_it_has(client):
    as_user(client, "Editor")
    pages = {
        portal: client.get(
            reverse("admin:integrations_project_change", args=[ProjectFactory(
                connection=PortalConnectionFactory(portal=portal)).pk])
        ).content.decode()
        for portal in ("buildertrend", "coconstruct")
    }  # fmt: skip

    assert "New selection group" in pages["buildertrend"]
    assert "New purchase order" not in pages["buildertrend"]
    assert "New purchase order" in pages["coconstruct"]
    assert "New selection group" not in pages["coconstruct"]
    assert client.get(new_url(ProjectFactory(), "purchase_order")).status_code == 403


def test_an_editor_drafts_a_purchase_order_with_its_total(client, project):
    as_user(client, "Editor")
    data = {
        "vendor_name": "Sparky Electric", "vendor_email": "po@sparky.test",
        "scope_of_work": "Garage outlets", "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Outlet", "lines-0-cost_code": "16-100",
        "lines-0-quantity": "1.5", "lines-0-unit_cost": "33.33",
    }  # fmt: skip

    preview = client.post(new_url(project, "purchase_order"), {**data, "_preview": "x"})
    assert "50.00" in preview.content.decode()  # 1.5 x 33.33 = 49.995, half-up
    client.post(new_url(project, "purchase_order"), {**data, "_save": "x"})

    write = PortalWrite.objects.get()
    assert (write.kind, write.state, write.title) == (
        "purchase_order", "draft", "Sparky Electric: Garage outlets")  # fmt: skip
    assert write.body == {
        "vendor": {"name": "Sparky Electric", "email": "po@sparky.test"},
        "scopeOfWork": "Garage outlets",
        "lineItems": [
            {"description": "Outlet", "costCode": "16-100", "quantity": "1.5", "unitCost": "33.33"}
        ],
    }


def test_a_selection_group_400_lands_on_the_option_it_names(client):
    project = ProjectFactory(connection=PortalConnectionFactory(portal="buildertrend"))
    as_user(client, "Editor")
    data = {
        "category": "Flooring", "title": "Kitchen floor", "due_date": "2026-12-20",
        "allowance": "2500", "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
        "lines-0-name": "Oak", "lines-0-price": "2400", "lines-0-vendor": "FloorCo",
        "lines-1-name": "LVP", "lines-1-price": "1800", "_save": "x",
    }  # fmt: skip
    client.post(new_url(project, "selection"), data)
    write = PortalWrite.objects.get()
    assert write.body["options"] == [
        {"name": "Oak", "price": "2400.00", "vendor": "FloorCo"},
        {"name": "LVP", "price": "1800.00"},
    ]
    PortalWrite.objects.filter(pk=write.pk).update(
        error_field="options[1].price", error="Price must be below the allowance."
    )

    page = client.get(reverse("admin:integrations_portalwrite_edit", args=[write.pk]))

    html = page.content.decode()
    row = html[html.index('class="line-1 errors"') :]
    row = row[: row.index("</tr>")]
    assert "Price must be below the allowance." in row[row.index("field-price") :]
