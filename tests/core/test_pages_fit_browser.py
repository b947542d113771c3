"""Every admin page fits a 1,366 px screen: no horizontal scrolling of the page or of a table.

Walks the dashboard, each registered model's list, add page and the page of one record, and the
extra pages apps register (Sync status, …) in headless Chromium, as a superuser (who sees every
column and button), over data with long values.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from builderops.core.publishing import SyncState
from tests.factories import HomeFactory, HomeownerFactory, chain, superuser
from tests.integrations.portals.factories import (
    ChangeOrderFactory,
    PortalConnectionFactory,
    ProjectFactory,
    PullRunFactory,
    PurchaseOrderFactory,
    ScheduleTaskFactory,
    SelectionFactory,
)

WIDTH = 1366
# Elements that scroll sideways (the changelist's `.results`, inline tables…) or the page itself.
OVERFLOWS = """() => {
  const page = document.documentElement;
  const found = [];
  if (page.scrollWidth > window.innerWidth) found.push(`page ${page.scrollWidth}px`);
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.tagName === 'SELECT') continue;
    if (el.scrollWidth > el.clientWidth + 1)
      found.push(`${el.tagName}.${el.className}: ${el.scrollWidth}px in ${el.clientWidth}px`);
  }
  return found;
}"""


def long_data():
    """Records with the longest values staff meet, and one of every related kind."""
    today = timezone.localdate()
    neighborhood = chain(published=True)
    home = HomeFactory(
        neighborhood=neighborhood,
        address_line1="12345 Northwest Meadowbrook Crossing Boulevard",
        city="Rancho Santa Margarita",
        sync_state=SyncState.FAILED,
        sync_last_error="400 Bad Request: postalCode must be 5 digits or ZIP+4 " * 3,
        approved=True,
    )
    for n in range(3):
        HomeownerFactory(home=home, email=f"a.very.long.homeowner.address.{n}@example-builder.com")
    connection = PortalConnectionFactory(last_error="401 Unauthorized: the session expired " * 4)
    project = ProjectFactory(
        home=home,
        connection=connection,
        name="The Hernandez-Whitfield Residence at Stonebridge Lot 1204",
        contract_price=Decimal("1234567.89"),
        clients=[{"name": "Alexandra Hernandez-Whitfield", "email": "alex@example.com"}],
    )
    SelectionFactory(
        project=project,
        title="Kitchen island pendant lighting with dimmer",
        due_date=today - timedelta(days=3),
        allowance=Decimal("2500.00"),
        allowance_remaining=Decimal("-3515.00"),
        chosen_option_name="Hand-blown glass pendants, brushed brass, set of three",
        chosen_option_price=Decimal("6015.00"),
    )
    ChangeOrderFactory(
        project=project,
        title="Move the kitchen island 18 inches and add two outlets",
        subtotal=Decimal("123456.78"),
        markup_total=Decimal("12345.67"),
        tax_total=Decimal("8765.43"),
        total=Decimal("144567.88"),
        computed_total=Decimal("144567.89"),
        totals_mismatch=True,
        tax_rate=Decimal("0.065"),
    )
    PurchaseOrderFactory(project=project, vendor_name="Southwest Regional Plumbing Supply Co.")
    ScheduleTaskFactory(project=project, title="Rough electrical", start_date=today, end_date=today)
    PullRunFactory(
        connection=connection,
        status="partial",
        counts={"projects": {"new": 1200, "updated": 34, "deleted": 2, "unchanged": 98765}},
        errors=[{"project_id": "100007", "resource": "selections", "error": "503 " * 30}],
        requests_made=4003,
    )


def admin_urls() -> list[str]:
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(_superuser_request()):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
    for page in admin.site._pages:
        try:
            urls.append(reverse(f"admin:{page.url_name}"))
        except NoReverseMatch:
            continue
    return urls


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = type("Su", (), {"is_active": True, "is_staff": True, "is_superuser": True,
                                   "has_perm": lambda *a: True})()  # fmt: skip
    return request


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_admin_page_fits_1366_px(page, admin_login):
    long_data()
    superuser(username="ops")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    admin_login("ops")
    problems = {}
    for url in admin_urls():
        response = page.goto(url)
        assert response.status == 200, url
        found = page.evaluate(OVERFLOWS)
        if found:
            problems[url] = found
    assert problems == {}
