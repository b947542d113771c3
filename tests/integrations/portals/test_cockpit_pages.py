"""One page per home and per project, and values that read well (issue 14), without screenshots."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from builderops.core.formatting import json_table, money_text, percent_text, plural
from tests.factories import HomeFactory, HomeownerFactory, superuser, user_in_role
from tests.integrations.portals.factories import (
    ChangeOrderFactory,
    ProjectFactory,
    PullRunFactory,
    PurchaseOrderFactory,
    ScheduleTaskFactory,
    SelectionFactory,
)

pytestmark = pytest.mark.django_db


def job_with_every_kind_of_child():
    today = timezone.localdate()
    home = HomeFactory()
    HomeownerFactory(home=home, email="pat@example.com", first_name="Pat")
    project = ProjectFactory(
        home=home,
        contract_price=Decimal("362000.00"),
        clients=[
            {"name": "Pat Rivera", "email": "PAT@example.com", "phone": "555-0100"},
            {"name": "Sam Lee", "email": "sam@example.com", "phone": "555-0101"},
        ],
    )
    SelectionFactory(project=project, title="Kitchen floor", due_date=today - timedelta(days=3))
    SelectionFactory(
        project=project,
        title="Counters",
        status="approved",
        allowance=Decimal("2000.00"),
        allowance_remaining=Decimal("-3515.00"),
    )
    ChangeOrderFactory(project=project, number="CO-7", total=Decimal("4009.08"))
    PurchaseOrderFactory(project=project, number="PO-3", total=Decimal("12500.50"))
    ScheduleTaskFactory(
        project=project,
        title="Framing",
        start_date=today - timedelta(days=20),
        end_date=today - timedelta(days=2),
        progress_percent=60,
    )
    ScheduleTaskFactory(
        project=project,
        title="Roofing",
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=10),
    )
    return home, project


def section(html: str, css_class: str) -> str:
    """Return the HTML from a heading with `css_class` up to the next heading."""
    return html.split(f'class="{css_class}"')[1].split("<h3")[0]


@pytest.mark.parametrize("role", ["Viewer", "Editor", "Approver"])
def test_the_home_page_lists_every_kind_of_child(client, role):
    home, _project = job_with_every_kind_of_child()
    client.force_login(user_in_role(role))
    html = client.get(f"/admin/homes/home/{home.pk}/change/").content.decode()
    construction = html.split('id="home-construction"')[1]
    assert "Contract 362,000.00" in construction
    selections = section(construction, "children-selections")
    assert "Selections (2; 1 overdue; 1 over allowance)" in construction
    assert '<tr class="overdue ">' in selections
    assert "Kitchen floor" in selections
    assert "-3,515.00" in selections
    assert "over-allowance" in selections
    assert "CO-7" in section(construction, "children-change-orders")
    assert "4,009.08" in section(construction, "children-change-orders")
    assert "PO-3" in section(construction, "children-purchase-orders")
    assert "12,500.50" in section(construction, "children-purchase-orders")
    schedule = construction.split('class="children-schedule"')[1]
    assert "Schedule (2 tasks; 1 overdue)" in construction
    assert 'class="timeline-row overdue"' in schedule
    assert "Framing" in schedule
    assert "Roofing" in schedule
    # Clients beside the homeowners: Sam is a client but no homeowner; Pat is both (any case).
    assert "Clients in Buildertrend (2)" in construction
    assert "Sam Lee" in construction
    assert "Homeowners here (1)" in construction


def test_the_project_page_shows_the_same_children_and_clients_as_a_table(client):
    _home, project = job_with_every_kind_of_child()
    client.force_login(user_in_role("Viewer"))
    html = client.get(f"/admin/integrations/project/{project.pk}/change/").content.decode()
    children = html.split('id="project-children"')[1]
    assert "Clients in the portal (2)" in children
    assert "<td>sam@example.com</td>" in children
    for text in ("Kitchen floor", "CO-7", "PO-3", "Framing"):
        assert text in children
    assert '{"name"' not in html  # clients never as raw JSON
    assert "362,000.00" in html


def test_change_orders_read_as_money_rates_and_plain_yes_no(client):
    order = ChangeOrderFactory(
        total=Decimal("362000.00"), tax_rate=Decimal("0.065000"), totals_mismatch=True
    )
    ChangeOrderFactory(total=Decimal("4009.08"))
    client.force_login(superuser())
    listing = client.get("/admin/integrations/changeorder/").content.decode()
    assert "362,000.00" in listing
    assert "4,009.08" in listing
    assert "icon-no.svg" not in listing
    assert "icon-yes.svg" not in listing
    assert '<span class="badge badge-warning">yes</span>' in listing  # the mismatch
    page = client.get(f"/admin/integrations/changeorder/{order.pk}/change/").content.decode()
    assert "6.5%" in page
    assert "0.065000" not in page
    assert "362,000.00" in page


def test_a_pull_run_shows_its_counts_and_errors_as_tables(client):
    run = PullRunFactory(
        counts={"projects": {"new": 3, "updated": 1}},
        errors=[{"project_id": "100007", "resource": "selections", "error": "503"}],
        requests_made=1,
    )
    client.force_login(superuser())
    page = client.get(f"/admin/integrations/pullrun/{run.pk}/change/").content.decode()
    assert '<table class="json-table">' in page
    assert "<th>Project id</th>" in page
    assert "<td>100007</td>" in page
    assert '{"projects"' not in page


def test_formatting_rules():
    assert money_text(Decimal("4009.08")) == "4,009.08"
    assert money_text(Decimal("-3515")) == "-3,515.00"
    assert money_text(None) == "—"
    assert percent_text(Decimal("0.065000")) == "6.5%"
    assert percent_text(Decimal("0.1")) == "10%"
    assert (plural(1, "request"), plural(2, "request"), plural(0, "entry", "entries")) == (
        "1 request",
        "2 requests",
        "0 entries",
    )
    assert "<th>High water</th>" not in json_table({"projects": "2026-11-30"})
    assert "<th>Projects</th><td>2026-11-30</td>" in json_table({"projects": "2026-11-30"})
