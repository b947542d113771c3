"""A link reviewed in headless Chromium: an editor sees both sides, links the job to the right
home through the autocomplete, and the pick is confirmed."""

import pytest
from playwright.sync_api import expect

from builderops.core.roles import roles_ensure
from integrations.portals.linking import projects_link_auto
from integrations.portals.models.mirrors import LinkMethod, LinkState, Project
from tests.factories import HomeFactory, user_in_role
from tests.integrations.portals.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_links_a_job_to_another_home_from_the_review_page(page, admin_login):
    roles_ensure()
    near = {"city": "Mason", "postal_code": "45040"}  # the project factory's
    HomeFactory(job_id="JOB-0700", address_line1="102 Willow Ave", **near)
    right = HomeFactory(external_id="HOME_RIGHT", job_id="", address_line1="5981 Sycamore Trl",
                        **near)  # fmt: skip
    project = ProjectFactory(job_number="JOB-0700", address_line1="5981 Sycamore Trl")
    projects_link_auto([project])
    admin_login(user_in_role("Editor").username)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/admin/integrations/project/{project.pk}/link/")
    expect(page.locator("#link-state")).to_have_text("To review")
    expect(page.locator("#link-compare tr.differs th")).to_have_text(["Address"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    page.click("#id_home + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "HOME_RIGHT")
    page.click(".select2-results__option:not(.loading-results):has-text('HOME_RIGHT')")
    page.click("button[name=relink]")
    expect(page.locator(".messagelist .success")).to_contain_text("to home HOME_RIGHT (confirmed)")
    expect(page.locator("#link-state")).to_have_text("Confirmed by staff")
    project.refresh_from_db()
    assert (project.home, project.link_method, project.link_state) == (
        right,
        LinkMethod.MANUAL,
        LinkState.CONFIRMED,
    )
    assert Project.objects.get(pk=project.pk).link_differences == []
