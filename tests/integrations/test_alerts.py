"""Open circuit breakers (a paused integration) are e-mailed to "Ops alerts" by the beat check."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from integrations.alerts import integrations_paused_alert
from integrations.breaker.models import BreakerRecord
from tests.core.test_alerts import on_call

pytestmark = pytest.mark.django_db

CAUSE = "breaker:test-builderbacked"


def test_paused_breakers_are_reported_by_the_periodic_check(mailoutbox):
    cache.delete(f"ops-alert:{CAUSE}")
    on_call(email="ops@builder.example")
    record = BreakerRecord.objects.create(
        key="test-builderbacked",
        label="Builder Backed",
        reason="credentials",
        message="invalid_client",
        hint="check BUILDERBACKED_CLIENT_SECRET",
        activity="publishing",
        opened_at=timezone.now(),
    )
    assert integrations_paused_alert() == 1
    assert integrations_paused_alert() == 0  # still paused, already said this hour
    assert mailoutbox[0].subject == "[BuilderOps] Publishing (Builder Backed) is paused"
    assert "check BUILDERBACKED_CLIENT_SECRET" in mailoutbox[0].body
    record.closed_at = timezone.now()
    record.save()
    cache.delete(f"ops-alert:{CAUSE}")
    assert integrations_paused_alert() == 0  # closed: nothing to say


def test_a_paused_integration_tops_the_dashboard(client):
    from tests.factories import user_in_role

    BreakerRecord.objects.create(
        key="test-builderbacked",
        label="Builder Backed",
        reason="credentials",
        hint="check BUILDERBACKED_CLIENT_SECRET",
        activity="publishing",
        opened_at=timezone.now(),
    )
    client.force_login(user_in_role("Viewer"))
    (first, *_) = client.get("/admin/").context["dashboard"].lines
    assert (first.count, first.text, first.level) == (
        1,
        "publishing paused: Builder Backed refused our credentials",
        "error",
    )
    assert first.detail == "check BUILDERBACKED_CLIENT_SECRET"
    assert client.get(first.url).status_code == 200  # the Sync status page explains it
