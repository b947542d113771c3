"""In the browser at 1,366 px: the "Compare with Builder Backed" page lists drift per field and
offers "Re-publish as active" (issue 10, item 6). Set SHOTS_DIR to keep screenshots."""

import os
from pathlib import Path

import pytest

from builderops.core.publishing import SyncState
from homes.models import Home

from .sync_support import build_chain, build_home
from .test_reconcile import mutate, publish_everything

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTH = 1366


def look(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{name} is {width} px wide"
    if os.environ.get("SHOTS_DIR"):
        page.screenshot(path=str(Path(os.environ["SHOTS_DIR"]) / f"{name}.png"), full_page=True)


def test_compare_page_shows_drift_and_fits(page, admin_login, boss, run_sandbox, settings, queued):
    base_url = run_sandbox("builderbacked")
    settings.BUILDERBACKED_BASE_URL = base_url
    settings.BUILDERBACKED_TOKEN_URL = f"{base_url}/oauth2/token"
    neighborhood = build_chain(boss, "1")[2]
    build_chain(boss, "2")
    build_home(boss, neighborhood, "H_1_0")
    publish_everything()
    assert Home.objects.get().sync_state == SyncState.PUBLISHED
    mutate(base_url, "neighborhoods", "NH_1", set={"name": "Renamed by someone else"})
    mutate(base_url, "neighborhoods", "NH_2", set={"active": False})
    mutate(base_url, "homes", "H_1_0", set={"city": "Dayton", "postalCode": "45402"})
    page.set_viewport_size({"width": WIDTH, "height": 900})
    admin_login(boss.username)

    page.goto("/admin/builderbacked/compare/")
    page.click("#compare-form button[type=submit]")
    page.wait_for_load_state()

    summary = page.inner_text("#compare-summary")
    assert summary == ("Compared 7 records in 4 requests. 3 differences: 2 changed, 1 deactivated.")
    assert page.locator("#compare-held tbody tr").count() == 1
    look(page, "compare-with-builder-backed")
