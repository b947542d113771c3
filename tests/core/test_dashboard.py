"""The dashboard on the admin index: each line's number and link, charts, constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from builderops.core.publishing import SyncState
from builderops.core.review import ReviewState
from homes.models import Home
from tests.factories import HomeFactory, chain, superuser, user_in_role
from tests.integrations.portals.factories import (
    ChangeOrderFactory,
    PortalConnectionFactory,
    ProjectFactory,
    PullRunFactory,
    SelectionFactory,
)

pytestmark = pytest.mark.django_db


def known_data():
    """Build a data set whose every dashboard figure is known."""
    today = timezone.localdate()
    neighborhood = chain(published=True)
    HomeFactory.create_batch(2, neighborhood=neighborhood)  # new drafts
    HomeFactory(neighborhood=neighborhood, published=True, review_state=ReviewState.DRAFT)
    long_ago = timezone.now() - timedelta(hours=5)
    for _ in range(3):
        HomeFactory(
            neighborhood=neighborhood,
            approved=True,
            sync_state=SyncState.FAILED,
            sync_due_since=long_ago,
            sync_last_attempt_at=timezone.now(),
            sync_last_error="400 address rejected",
        )
    HomeFactory(neighborhood=neighborhood, approved=True, sync_state=SyncState.RETRYING)
    home = HomeFactory(
        neighborhood=neighborhood, published=True, scheduled_closing_date=today + timedelta(days=40)
    )
    PortalConnectionFactory(last_error="401 Unauthorized")  # failing
    PortalConnectionFactory(last_success_at=timezone.now() - timedelta(days=1))  # stale
    PortalConnectionFactory(last_success_at=timezone.now())  # healthy
    project = ProjectFactory(home=home)
    ProjectFactory.create_batch(2)  # not linked
    yesterday = today - timedelta(days=1)
    SelectionFactory.create_batch(2, project=project, due_date=yesterday)  # overdue
    SelectionFactory(project=project, due_date=yesterday, status="approved")  # done: not overdue
    SelectionFactory(project=project, allowance_remaining=Decimal("-3515.00"))  # over allowance
    SelectionFactory(project=project, due_date=yesterday, deleted=True)  # deleted: not counted
    ChangeOrderFactory(project=project, deadline=yesterday, total=Decimal("1200.00"))
    ChangeOrderFactory(
        project=project, approval_status="approved", deadline=yesterday, total=Decimal("4009.08")
    )
    PullRunFactory(status="failed")
    PullRunFactory(status="succeeded")
    return neighborhood


EXPECTED = {
    "homes failed to publish": 3,
    "home retrying a publish": 1,
    "new homes awaiting approval": 2,
    "home edited since publishing, awaiting approval": 1,
    "portal connection failing": 1,
    "portal connection with no successful pull for 3 intervals": 1,
    "selections overdue": 2,
    "selection over allowance": 1,
    "change order awaiting the client past the deadline": 1,
    "projects not linked to a home": 2,
    "homes with no portal project": 7,  # all but the one the linked project is on
}


@pytest.mark.parametrize("role", ["Viewer", "Editor", "Approver"])
def test_each_line_counts_what_its_link_lists(client, role):
    known_data()
    client.force_login(user_in_role(role))
    response = client.get("/admin/")
    assert response.status_code == 200
    lines = {line.text: line for line in response.context["dashboard"].lines}
    assert {text: line.count for text, line in lines.items()} == EXPECTED
    for text, line in lines.items():
        listed = client.get(line.url)
        assert listed.status_code == 200, text
        assert listed.context["cl"].result_count == line.count, text
    failed = lines["homes failed to publish"]
    assert failed.detail == "oldest due for 5\xa0hours"
    html = response.content.decode()
    assert f'href="{failed.url.replace("&", "&amp;")}"' in html
    assert '<strong class="attention-count">3</strong> homes failed to publish' in html


def test_failures_are_listed_before_drafts(client):
    known_data()
    client.force_login(user_in_role("Viewer"))
    levels = [line.level for line in client.get("/admin/").context["dashboard"].lines]
    assert levels[:2] == ["error", "error"]
    assert "error" not in levels[levels.index("warning") :]


def test_nothing_to_do_says_so(client):
    client.force_login(user_in_role("Viewer"))
    response = client.get("/admin/")
    assert response.context["dashboard"].lines == []
    assert "Nothing needs attention" in response.content.decode()


def test_charts_are_server_side_svg_with_exact_figures(client):
    known_data()
    client.force_login(user_in_role("Viewer"))
    html = client.get("/admin/").content.decode()
    for key in (
        "sync-state",
        "publish-activity",
        "closings",
        "change-order-value",
        "pull-activity",
    ):
        assert f'id="chart-{key}"' in html, key
    assert "<script" not in html.split('id="attention"')[1].split("</svg>")[0]
    assert "Homes — Not published: 2, Pending: 0, Published: 2, Failed: 3, Retrying: 1" in html
    assert "approved: $4,009.08, pending: $1,200.00" in html  # change orders of one community
    month = (timezone.localdate() + timedelta(days=40)).strftime("%b %y")
    assert f"{month} — homes: 1" in html


def test_a_user_sees_only_lines_of_models_they_may_view(client):
    known_data()
    user = user_in_role("Viewer")
    user.groups.clear()
    user.user_permissions.add(*user_permissions("view_home"))
    client.force_login(user)
    texts = {line.text for line in client.get("/admin/").context["dashboard"].lines}
    assert texts == {
        "homes failed to publish",
        "home retrying a publish",
        "new homes awaiting approval",
        "home edited since publishing, awaiting approval",
    }


def user_permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=codenames)


def grow(neighborhood, count):
    """Add `count` homes in every state, each with a project and children (bulk, not under test)."""
    states = list(SyncState.values)
    homes = Home.objects.bulk_create(
        HomeFactory.build(
            neighborhood=neighborhood,
            sync_state=states[i % len(states)],
            scheduled_closing_date=timezone.localdate() + timedelta(days=i % 300),
        )
        for i in range(count)
    )
    connection = PortalConnectionFactory()
    for home in homes[: count // 4]:
        project = ProjectFactory(home=home, connection=connection)
        SelectionFactory(project=project, due_date=timezone.localdate() - timedelta(days=2))
        ChangeOrderFactory(project=project, total=Decimal("10.00"))
    PullRunFactory.create_batch(count // 10, connection=connection)


def test_the_dashboard_costs_the_same_queries_at_two_sizes(client):
    neighborhood = known_data()
    client.force_login(superuser())
    counts = []
    for added in (20, 200):
        grow(neighborhood, added)
        with CaptureQueriesContext(db) as queries:
            assert client.get("/admin/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_conflicting_links_have_their_own_line(client):
    home = HomeFactory(neighborhood=chain(published=True), published=True)
    ProjectFactory.create_batch(2, home=home, link_state="conflict")
    client.force_login(user_in_role("Viewer"))
    lines = {line.text: line for line in client.get("/admin/").context["dashboard"].lines}
    conflict = lines["projects in conflict (one home, several projects)"]
    assert (conflict.count, conflict.level) == (2, "error")
    assert client.get(conflict.url).context["cl"].result_count == 2
    assert "homes with no portal project" not in lines
