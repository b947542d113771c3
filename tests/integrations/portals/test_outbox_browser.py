"""A change order drafted, approved and sent in headless Chromium at 1,366 px: an Editor drafts
three lines and sees the totals, an Approver sends it to the sandbox portal, the project page
shows it sent with the portal's number; a Viewer sees no write buttons."""

import os

import pytest
from playwright.sync_api import expect

from builderops.core.roles import roles_ensure
from integrations.portals.models.mirrors import Project
from integrations.portals.models.outbox import PortalWrite, WriteState
from tests.factories import user_in_role
from tests.integrations.portals.test_outbox_e2e import pulled

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTH = 1366
SHOTS = os.environ.get("BUILDEROPS_SHOTS_DIR")  # set to keep screenshots of each step
LINES = [
    ("Outlet", "16-100", "2", "150.00", "10", True),
    ("Labor", "01-200", "1.5", "80.00", "", False),
    ("Credit", "01-900", "1", "-25.00", "", False),
]


def shot(page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def fill_change_order(page) -> None:
    page.fill("#id_title", "Garage outlets")
    page.fill("#id_tax_rate_percent", "7.25")
    for k, (description, code, quantity, unit_cost, markup, taxable) in enumerate(LINES):
        page.fill(f"#id_lines-{k}-description", description)
        page.fill(f"#id_lines-{k}-cost_code", code)
        page.fill(f"#id_lines-{k}-quantity", quantity)
        page.fill(f"#id_lines-{k}-unit_cost", unit_cost)
        page.fill(f"#id_lines-{k}-markup_percent", markup)
        if taxable:
            page.check(f"#id_lines-{k}-taxable")


def test_an_editor_drafts_an_approver_sends_a_viewer_only_looks(
    page, admin_login, run_sandbox, celery_eager
):
    roles_ensure()
    connection = pulled(run_sandbox("buildertrend", "--projects", "2"), "buildertrend")
    project = Project.objects.filter(connection=connection).order_by("remote_id").first()
    project_url = f"/admin/integrations/project/{project.pk}/change/"
    page.set_viewport_size({"width": WIDTH, "height": 900})

    admin_login(user_in_role("Editor").username)
    page.goto(project_url)
    page.click("text=New selection group")
    expect(page.locator("#id_lines-0-vendor")).to_be_visible()
    shot(page, "0-new-selection-group")
    page.goto(project_url)
    page.click("text=New change order")
    fill_change_order(page)
    page.click("input[name=_preview]")
    expect(page.locator(".write-totals")).to_contain_text("448.93")
    shot(page, "1-new-change-order")
    page.click("input[name=_submit]")
    expect(page.locator(".messagelist")).to_contain_text("submitted for approval")
    expect(page.locator("input[value='Approve and send']")).to_have_count(0)
    shot(page, "2-awaiting-approval")
    write_url = page.url

    page.context.clear_cookies()
    admin_login(user_in_role("Approver").username)
    page.goto(write_url)
    page.click("input[value='Approve and send']")
    expect(page.locator(".messagelist")).to_contain_text("approved and queued")
    write = PortalWrite.objects.get()
    assert write.state == WriteState.SENT, write.error
    page.goto(project_url)
    expect(page.locator("#project-writes")).to_contain_text(f"Sent ({write.remote_number})")
    shot(page, "3-project-page-sent")

    page.context.clear_cookies()
    admin_login(user_in_role("Viewer").username)
    page.goto(project_url)
    expect(page.locator("text=New change order")).to_have_count(0)
    page.goto(write_url)
    expect(page.locator(".write-steps")).to_have_count(0)
    shot(page, "4-viewer-write-page")
    page.goto("/admin/integrations/portalwrite/")
    shot(page, "5-outbox-list")
