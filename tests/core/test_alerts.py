"""Ops alerts by e-mail (Django's locmem backend): paused integrations hourly, a daily digest."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from builderops.core.alerts import OPS_ALERTS_GROUP, ops_alert_paused, ops_digest_send
from builderops.core.publishing import SyncState
from builderops.core.roles import roles_ensure
from builderops.core.tasks import ops_digest
from tests.factories import HomeFactory, chain, user_in_role

pytestmark = pytest.mark.django_db

CAUSE = "breaker:test-builderbacked"


@pytest.fixture(autouse=True)
def fresh_hour():
    cache.delete(f"ops-alert:{CAUSE}")
    yield
    cache.delete(f"ops-alert:{CAUSE}")


def on_call(role="Viewer", **kwargs):
    """A staff member in the "Ops alerts" group (created by roles_ensure)."""
    roles_ensure()
    user = user_in_role(role, **kwargs)
    user.groups.add(Group.objects.get(name=OPS_ALERTS_GROUP))
    return user


def pause(**kwargs):
    return ops_alert_paused(
        cause=CAUSE,
        what="Publishing (Builder Backed)",
        why="Builder Backed rejected our credentials at 10:42; check BUILDERBACKED_CLIENT_SECRET.",
        **kwargs,
    )


def test_a_pause_is_mailed_to_the_group_once_an_hour(mailoutbox):
    first = on_call(email="ops1@builder.example")
    on_call(email="ops2@builder.example")
    user_in_role("Editor", email="not-on-call@builder.example")
    assert pause() is True
    assert pause() is False  # the same cause within the hour
    (mail,) = mailoutbox
    assert mail.subject == "[BuilderOps] Publishing (Builder Backed) is paused"
    assert sorted(mail.to) == ["ops1@builder.example", "ops2@builder.example"]
    assert "check BUILDERBACKED_CLIENT_SECRET" in mail.body
    assert "http://127.0.0.1:8000/admin/" in mail.body
    cache.delete(f"ops-alert:{CAUSE}")  # an hour later
    first.groups.clear()
    assert pause() is True
    assert mailoutbox[1].to == ["ops2@builder.example"]


def test_nothing_is_sent_or_remembered_without_anyone_on_call(mailoutbox):
    assert pause() is False
    on_call(email="ops@builder.example")
    assert pause() is True  # the first member still hears about it
    assert len(mailoutbox) == 1


def test_the_digest_lists_what_needs_attention_with_links(mailoutbox):
    on_call(email="ops@builder.example")
    neighborhood = chain(published=True)
    HomeFactory.create_batch(
        2,
        neighborhood=neighborhood,
        approved=True,
        sync_state=SyncState.FAILED,
        sync_due_since=timezone.now(),
    )
    assert ops_digest() == 1
    (mail,) = mailoutbox
    assert mail.subject == "[BuilderOps] Daily digest: 2 things to see to"
    assert (
        "- 2 homes failed to publish (oldest due for under a minute): "
        "http://127.0.0.1:8000/admin/homes/home/?sync_state__exact=failed"
    ) in mail.body


def test_an_empty_digest_is_not_sent(mailoutbox):
    on_call(email="ops@builder.example")
    HomeFactory(neighborhood=chain(published=True), published=True)
    assert ops_digest_send(dashboard_for=admin.site.dashboard) == 0
    assert mailoutbox == []


def test_the_digest_only_shows_what_each_member_may_see(mailoutbox):
    member = on_call(email="ops@builder.example")
    member.groups.remove(Group.objects.get(name="Viewer"))  # in "Ops alerts" only: sees nothing
    HomeFactory(neighborhood=chain(published=True), sync_state=SyncState.FAILED, approved=True)
    assert ops_digest_send(dashboard_for=admin.site.dashboard) == 0
