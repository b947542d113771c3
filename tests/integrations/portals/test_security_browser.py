"""In the browser at 1,366 px: a moved base URL asks for the password again; a rotated webhook
secret is shown once. Set SHOTS_DIR to keep screenshots of each page."""

import os
from pathlib import Path

import pytest

from tests.factories import superuser
from tests.integrations.portals.factories import PortalConnectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1366


def look(page, name: str) -> None:
    """Fail if the page scrolls sideways at 1,366 px; keep a screenshot when SHOTS_DIR is set."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{name} is {width} px wide"
    if os.environ.get("SHOTS_DIR"):
        page.screenshot(path=str(Path(os.environ["SHOTS_DIR"]) / f"{name}.png"), full_page=True)


def test_moving_a_connection_asks_for_its_password_again(page, admin_login):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    connection = PortalConnectionFactory(name="Buildertrend main")
    admin_login(superuser(username="boss").username)
    page.goto(f"/admin/integrations/portalconnection/{connection.pk}/change/")
    page.fill("#id_base_url", "http://127.0.0.1:9999/elsewhere")
    page.click("input[name=_save]")
    error = page.locator(".field-password .errorlist")
    assert "enter the password again" in error.inner_text()
    look(page, "connection-moved-without-password")
    page.fill("#id_password", "the-new-password")
    page.click("input[name=_save]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()


def test_rotating_a_webhook_secret_shows_it_once(page, admin_login):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    connection = PortalConnectionFactory(name="CoConstruct main", portal="coconstruct")
    admin_login(superuser(username="boss").username)
    page.goto("/admin/integrations/portalconnection/")
    page.check(f"input[name=_selected_action][value='{connection.pk}']")
    page.select_option("select[name=action]", "rotate_webhook_secret")
    page.click("button[name=index]")
    assert "Rotate the webhook secret of 1 connection?" in page.locator("#content").inner_text()
    look(page, "rotate-webhook-secret-confirm")
    page.click("input[type=submit][value='Yes, rotate']")
    connection.refresh_from_db()
    assert page.locator(".webhook-secret").inner_text() == connection.webhook_secret()
    look(page, "rotate-webhook-secret-shown")
    # The page is answered "Cache-Control: no-store" (test_security.py): not kept to show again.
