"""In the browser at 1,366 px: while Builder Backed refuses our credentials, a red banner heads
every admin page and the Sync status page says it first. Set SHOTS_DIR to keep screenshots."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from integrations import errors
from integrations.breaker.services import breaker_record_sync
from integrations.builderbacked.client import tenant_breaker
from tests.factories import superuser, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1366
PAUSED = "Builder Backed rejected our credentials at"


def look(page, name: str) -> None:
    """Fail if the page scrolls sideways at 1,366 px; keep a screenshot when SHOTS_DIR is set."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{name} is {width} px wide"
    if os.environ.get("SHOTS_DIR"):
        page.screenshot(path=str(Path(os.environ["SHOTS_DIR"]) / f"{name}.png"), full_page=True)


def test_the_paused_banner_heads_every_page_and_fits(page, admin_login):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    breaker = tenant_breaker(settings.BUILDERBACKED_BASE_URL, settings.BUILDERBACKED_CLIENT_ID)
    refused = errors.CredentialsRejected("Token request failed: invalid_client", status=401)
    breaker.trip(refused, reason="credentials")
    breaker_record_sync(breaker=breaker)
    admin_login(superuser(username="boss").username)

    for name, url in (
        ("paused-dashboard", "/admin/"),
        ("paused-home-list", "/admin/homes/home/"),
        ("paused-sync-status", "/admin/builderbacked/sync/"),
    ):
        page.goto(url)
        banner = page.locator(".breaker-banner")
        assert PAUSED in banner.inner_text()
        assert "check BUILDERBACKED_CLIENT_SECRET" in banner.inner_text()
        look(page, name)

    # A viewer can't publish: no banner, but the Sync status page says it first.
    page.context.clear_cookies()
    admin_login(user_in_role("Viewer").username)
    page.goto("/admin/builderbacked/sync/")
    assert page.locator(".breaker-banner").count() == 0
    assert PAUSED in page.locator("#publishing-paused").inner_text()
    look(page, "paused-sync-status-viewer")
