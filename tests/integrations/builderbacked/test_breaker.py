"""A wrong client secret pauses publishing for everyone, says why everywhere, and heals by itself.

Issue 10, item 5 — over real sockets: the Builder Backed sandbox is started with the right
secret, BuilderOps configured with a wrong one, and the sandbox's own request log says how often
its token endpoint was asked.
"""

import io
import json

import httpx
import pytest
from django.core.cache import cache
from django.core.management import call_command

from builderops.core.publishing import SyncState
from integrations.breaker.models import BreakerRecord
from integrations.builderbacked.client import tenant_breaker
from integrations.builderbacked.sync.client import sync_client
from integrations.builderbacked.sync.outcome import Outcome
from integrations.builderbacked.sync.publish import records_publish
from integrations.builderbacked.tasks import publish_due
from tests.factories import user_in_role

from .sync_support import build_chain, build_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
RIGHT = "the-right-secret"
TOKEN_PATH = "/oauth2/token"
PAUSED = "Builder Backed rejected our credentials at"


@pytest.fixture
def sandbox(run_sandbox, settings):
    """A sandbox that wants RIGHT; settings that send a wrong secret."""
    base_url = run_sandbox("builderbacked", "--client-secret", RIGHT)
    settings.BUILDERBACKED_BASE_URL = base_url
    settings.BUILDERBACKED_TOKEN_URL = base_url + TOKEN_PATH
    settings.BUILDERBACKED_CLIENT_SECRET = "a-wrong-secret"
    return base_url


def token_requests(base_url: str) -> int:
    log = httpx.get(f"{base_url}/_sandbox/requests", timeout=10).json()
    records = log["requests"] if isinstance(log, dict) else log
    return sum(1 for record in records if record["path"] == TOKEN_PATH)


def publish(obj) -> Outcome:
    with sync_client() as client:
        reports = records_publish(obj._meta.label, [obj.pk], client=client)
    return reports[obj.pk].outcome


def a_minute_passes(settings) -> None:
    """Let the breaker's next probe go (its probe slot is a cache entry a minute long)."""
    breaker = tenant_breaker(settings.BUILDERBACKED_BASE_URL, settings.BUILDERBACKED_CLIENT_ID)
    cache.delete(f"{breaker.key}:probe")


def test_a_wrong_secret_pauses_publishing_says_why_and_resumes_when_fixed(
    sandbox, settings, boss, queued, client
):
    division, community, neighborhood = build_chain(boss)
    home = build_home(boss, neighborhood)

    # The first attempt is the probe: refused, so publishing pauses — nothing has failed.
    assert publish(division) == Outcome.PAUSED
    division.refresh_from_db()
    assert division.sync_state == SyncState.PENDING
    assert "rejected our credentials" in division.sync_last_error
    record = BreakerRecord.objects.get()
    assert record.is_open
    assert record.reason == "credentials"

    # Workers and the sweeper keep trying; the token endpoint hears nothing more.
    for _ in range(5):
        assert publish(division) == Outcome.PAUSED
        assert publish_due() == {"paused": 1}
    assert token_requests(sandbox) == 1

    # Every place staff look says why, first.
    client.force_login(boss)
    page = client.get("/admin/").content.decode()
    assert PAUSED in page
    assert "publishing is paused" in page
    assert "check BUILDERBACKED_CLIENT_SECRET" in page
    status_page = client.get("/admin/builderbacked/sync/").content.decode()
    assert status_page.index(PAUSED) < status_page.index("Records per sync state")
    out = io.StringIO()
    call_command("bb_status", stdout=out)
    assert out.getvalue().startswith(f"PAUSED: {PAUSED}")
    health = json.loads(client.get("/healthz").content)
    assert health["paused"][0]["remote"] == "Builder Backed"
    assert PAUSED in health["paused"][0]["message"]

    # A minute later the sweeper probes once, still refused: one more token request.
    a_minute_passes(settings)
    assert publish_due() == {"paused": 1}
    assert token_requests(sandbox) == 2

    # The secret is fixed: the next probe succeeds and everything goes, parents first.
    settings.BUILDERBACKED_CLIENT_SECRET = RIGHT
    a_minute_passes(settings)
    queued.batches.clear()
    publish_due()
    assert tenant_breaker(sandbox, settings.BUILDERBACKED_CLIENT_ID).state() is None
    assert not BreakerRecord.objects.get().is_open
    assert queued.batches[0][0] == "locations.Division"  # parents first
    for obj in (division, community, neighborhood, home):
        assert publish(obj) == Outcome.PUBLISHED
    assert PAUSED not in client.get("/admin/").content.decode()
    out = io.StringIO()
    call_command("bb_status", stdout=out)
    assert "PAUSED" not in out.getvalue()


def test_the_banner_is_for_those_who_can_publish(sandbox, boss, queued, client):
    division, *_ = build_chain(boss)
    assert publish(division) == Outcome.PAUSED

    client.force_login(user_in_role("Viewer"))
    assert PAUSED not in client.get("/admin/").content.decode()
    client.force_login(user_in_role("Editor"))
    assert PAUSED in client.get("/admin/").content.decode()
