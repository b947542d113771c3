"""Portal admin: write-only secrets, pull buttons by role, constant-cost lists, home summary."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection as db
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.portals import tasks
from integrations.portals.crypto import secret_decrypt
from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import LinkMethod, Project
from integrations.portals.selectors import home_construction_summary
from tests.factories import HomeFactory, superuser, user_in_role
from tests.integrations.portals.factories import (
    PORTAL_PASSWORD,
    ChangeOrderFactory,
    PortalConnectionFactory,
    ProjectFactory,
    PullRunFactory,
    PurchaseOrderFactory,
    ScheduleTaskFactory,
    SelectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks.portal_pull_connection, "delay", lambda *a, **kw: calls.append((a, kw))
    )
    return calls


def logged_in(client, user):
    client.force_login(user)
    return client


def connection_form(**overrides) -> dict:
    data = {
        "name": "Main BT", "portal": "buildertrend", "base_url": "https://api.example.com/bt",
        "username": "ops@builder.example", "enabled": "on", "pull_interval_minutes": "15",
        "password": "", "mfa_secret": "", "home_type_default": "Single Family",
    }  # fmt: skip
    return {**data, **overrides}


def test_a_connection_is_added_with_an_encrypted_password(client):
    logged_in(client, superuser())
    url = reverse("admin:integrations_portalconnection_add")
    response = client.post(url, connection_form())
    assert response.status_code == 200  # re-shown: a new connection needs a password
    assert "Enter the portal password." in response.content.decode()
    response = client.post(url, connection_form(password="hunter2-portal"))
    assert response.status_code == 302
    stored = PortalConnection.objects.get(name="Main BT")
    assert stored.password_encrypted
    assert "hunter2-portal" not in stored.password_encrypted
    assert secret_decrypt(stored.password_encrypted) == "hunter2-portal"


def test_secrets_are_never_shown_back_and_blank_keeps_them(client):
    portal = PortalConnectionFactory()
    portal.set_mfa_secret("JBSWY3DPEHPK3PXP")
    portal.save()
    logged_in(client, superuser())
    url = reverse("admin:integrations_portalconnection_change", args=[portal.pk])
    page = client.get(url).content.decode()
    for secret in (PORTAL_PASSWORD, portal.password_encrypted, "JBSWY3DPEHPK3PXP",
                   portal.webhook_secret()):  # fmt: skip
        assert secret not in page
    assert "password stored; MFA secret stored" in page
    form = connection_form(name=portal.name, username=portal.username, base_url=portal.base_url)
    assert client.post(url, form).status_code == 302
    portal.refresh_from_db()
    assert secret_decrypt(portal.password_encrypted) == PORTAL_PASSWORD
    client.post(url, {**form, "password": "new-pass", "clear_mfa_secret": "on"})
    portal.refresh_from_db()
    assert secret_decrypt(portal.password_encrypted) == "new-pass"
    assert portal.mfa_secret_encrypted == ""


def test_an_editor_pulls_now_from_the_change_page(
    client, queued, django_capture_on_commit_callbacks
):
    portal = PortalConnectionFactory()
    logged_in(client, user_in_role("Editor"))
    page = client.get(reverse("admin:integrations_portalconnection_change", args=[portal.pk]))
    assert b"portal-pull-now" in page.content
    assert b"portal-full-repull" in page.content
    url = reverse("admin:integrations_portalconnection_pull", args=[portal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
        client.post(url, {"full": "1"})
    assert queued == [((portal.pk,), {"full": False}), ((portal.pk,), {"full": True})]


def test_a_viewer_can_look_but_not_pull(client, queued):
    portal = PortalConnectionFactory()
    logged_in(client, user_in_role("Viewer"))
    page = client.get(reverse("admin:integrations_portalconnection_change", args=[portal.pk]))
    assert page.status_code == 200
    assert b"portal-pull-now" not in page.content
    url = reverse("admin:integrations_portalconnection_pull", args=[portal.pk])
    assert client.post(url).status_code == 403
    assert queued == []


def test_the_full_repull_action_asks_first(client, queued, django_capture_on_commit_callbacks):
    portal = PortalConnectionFactory()
    logged_in(client, user_in_role("Editor"))
    url = reverse("admin:integrations_portalconnection_changelist")
    data = {"action": "full_repull", "_selected_action": [portal.pk]}
    confirm = client.post(url, data)
    assert b"Yes, re-pull" in confirm.content
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "post": "yes"})
    assert queued == [((portal.pk,), {"full": True})]


def test_only_those_who_may_change_a_connection_reveal_its_webhook_secret(client):
    portal = PortalConnectionFactory()
    url = reverse("admin:integrations_portalconnection_webhook_secret", args=[portal.pk])
    assert logged_in(client, user_in_role("Editor")).get(url).status_code == 403
    page = logged_in(client, superuser()).get(url).content.decode()
    assert portal.webhook_secret() in page
    assert str(portal.webhook_id) in page


def test_an_editor_picks_a_projects_home_by_hand(client):
    project = ProjectFactory(job_number="NO-MATCH")
    home = HomeFactory(job_id="")
    logged_in(client, user_in_role("Editor"))
    url = reverse("admin:integrations_project_change", args=[project.pk])
    assert client.post(url, {"home": home.pk}).status_code == 302
    project.refresh_from_db()
    assert (project.home, project.link_method) == (home, LinkMethod.MANUAL)


def test_selection_filters_find_pending_overdue_and_over_allowance(client):
    today = timezone.now().date()
    overdue = SelectionFactory(status="pending", due_date=today - timedelta(days=2))
    later = SelectionFactory(status="pending", due_date=today + timedelta(days=9))
    over = SelectionFactory(status="approved", allowance_remaining=Decimal("-10.00"))
    logged_in(client, superuser())
    url = reverse("admin:integrations_selection_changelist")

    def shown(attention):
        return set(client.get(url, {"attention": attention}).context["cl"].result_list)

    assert shown("pending") == {overdue, later}
    assert shown("overdue") == {overdue}
    assert shown("over") == {over}


CHANGELISTS = {
    "portalconnection": lambda: PullRunFactory(connection=PortalConnectionFactory()),
    "project": lambda: SelectionFactory(project=ProjectFactory(home=HomeFactory())),
    "selection": SelectionFactory,
    "changeorder": ChangeOrderFactory,
    "purchaseorder": PurchaseOrderFactory,
    "scheduletask": ScheduleTaskFactory,
    "pullrun": PullRunFactory,
}


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_cost_the_same_queries_at_any_size(client, model):
    logged_in(client, superuser())
    url = reverse(f"admin:integrations_{model}_changelist")

    def queries() -> int:
        with CaptureQueriesContext(db) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        CHANGELISTS[model]()
    few = queries()
    for _ in range(12):
        CHANGELISTS[model]()
    assert queries() == few


def test_the_home_summary_shows_all_selections_and_live_change_orders():
    home = HomeFactory()
    project = ProjectFactory(home=home, link_method=LinkMethod.AUTO_JOB)
    SelectionFactory(project=project, title="Kitchen floor", status="pending")
    SelectionFactory(project=project, title="Done deal", status="approved")
    ChangeOrderFactory(project=project, number="CO-001", approval_status="approved",
                       total=Decimal("353.93"))  # fmt: skip
    ChangeOrderFactory(project=project, number="CO-002", approval_status="pending",
                       total=Decimal("100.00"), computed_total=Decimal("100.01"),
                       totals_mismatch=True)  # fmt: skip
    ChangeOrderFactory(project=project, number="CO-003", deleted=True, total=Decimal("5.00"))
    summary = home_construction_summary(home)
    (item,) = summary.projects
    assert [s.title for s in item.open_selections] == ["Kitchen floor"]
    assert [o.number for o in item.change_orders] == ["CO-001", "CO-002"]
    assert (item.approved_total, item.open_total, item.mismatches) == (
        Decimal("353.93"), Decimal("100.00"), 1,
    )  # fmt: skip
    html = render_to_string("admin/portals/home_construction.html", {"construction": summary})
    assert "Kitchen floor" in html
    assert "CO-002" in html
    assert "computed 100.01" in html
    assert "Done deal" in html  # every selection, not only open ones (issue 14)
    assert "CO-003" not in html  # deleted in the portal


def test_the_template_tag_renders_the_summary_for_a_home_page():
    home = HomeFactory()
    project = ProjectFactory(home=home, name="Lee Residence")
    SelectionFactory(project=project, title="Kitchen floor")
    html = Template("{% load portals %}{% home_construction home %}").render(
        Context({"home": home})
    )
    assert "Lee Residence" in html
    assert "Kitchen floor" in html


def test_a_home_without_a_project_says_so():
    summary = home_construction_summary(HomeFactory())
    assert not summary
    html = render_to_string("admin/portals/home_construction.html", {"construction": summary})
    assert "No construction portal project is linked" in html


def test_project_counts_ignore_deleted_children(client):
    project = ProjectFactory()
    SelectionFactory(project=project)
    SelectionFactory(project=project, deleted=True)
    logged_in(client, superuser())
    rows = client.get(reverse("admin:integrations_project_changelist")).context["cl"].result_list
    assert Project.objects.count() == 1
    assert rows[0].selections_n == 1


def test_the_home_change_page_shows_its_construction_job(client):
    home = HomeFactory()
    project = ProjectFactory(home=home, name="Lee Residence")
    SelectionFactory(project=project, title="Kitchen floor")
    ChangeOrderFactory(project=project, number="CO-042", total=Decimal("353.93"))
    logged_in(client, superuser())
    page = client.get(reverse("admin:homes_home_change", args=[home.pk])).content.decode()
    assert 'id="home-construction"' in page
    assert "Lee Residence" in page
    assert "Kitchen floor" in page
    assert "CO-042" in page
