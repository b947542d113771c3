"""The web never waits on the broker (issue 10, item 4).

With Redis — broker and cache both — stopped, "Save and approve" and a portal webhook answer in
well under a second; once Redis is back, the sweeper's bulk pass publishes what was approved
meanwhile. The test runs its own redis-server on a free port and stops it; the shared one is
never touched.
"""

import json
import subprocess
import time

import httpx
import kombu.pools
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from builderops.celery import app
from builderops.core.publishing import SyncState
from builderops.core.versions import record_version
from homes.models import Home
from integrations.builderbacked.sync.enqueue import sync_enqueue_due
from integrations.portals.webhooks import webhook_signature
from tests.factories import superuser
from tests.fixtures.processes import free_port, stop_process, wait_for_port
from tests.integrations.builderbacked.sync_support import build_chain, build_home
from tests.integrations.portals.factories import PortalConnectionFactory, ProjectFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WELL_UNDER_A_SECOND = 1.0


class OwnRedis:
    """A redis-server of this test's own, on a free port, that it can stop and start again."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.tmp_path = tmp_path
        self.process = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.tmp_path)),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def own_redis(tmp_path, settings, monkeypatch):
    """Point the broker and the cache of this process at a Redis the test controls."""
    redis = OwnRedis(tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url(1),
        }
    }
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(0))
    broker_pools_reset()
    yield redis
    redis.stop()
    monkeypatch.undo()
    broker_pools_reset()


def broker_pools_reset() -> None:
    """Drop Celery's broker connections, so the next send connects to the URL now configured."""
    kombu.pools.reset()
    app._pool = app.amqp._producer_pool = None


@pytest.fixture
def sandbox(run_sandbox, settings):
    base_url = run_sandbox("builderbacked")
    settings.BUILDERBACKED_BASE_URL = base_url
    settings.BUILDERBACKED_TOKEN_URL = f"{base_url}/oauth2/token"
    return base_url


def home_form(home) -> dict:
    return {
        "external_id": home.external_id,
        "neighborhood": home.neighborhood_id,
        "address_line1": "14 Oak St",  # the edit being approved
        "city": home.city,
        "state": home.state,
        "postal_code": home.postal_code,
        "home_type": home.home_type,
        "job_id": home.job_id,
        "homeowners-TOTAL_FORMS": "0",
        "homeowners-INITIAL_FORMS": "0",
        "homeowners-MIN_NUM_FORMS": "0",
        "homeowners-MAX_NUM_FORMS": "1000",
        "_approve": "Save and approve",
        "_reviewed_version": record_version(home),  # the page's version of what was reviewed
    }


def webhook_post(client, connection, project_id: str):
    body = json.dumps(
        {"eventId": "evt_1", "event": "change_order.approved", "projectId": project_id}
    ).encode()
    timestamp = str(int(time.time()))
    signature = webhook_signature(connection.webhook_secret(), timestamp, body)
    return client.post(
        reverse("portals:webhook", args=[connection.webhook_id]),
        data=body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=timestamp,
        HTTP_X_SIGNATURE=signature,
    )


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def test_with_redis_down_saving_and_webhooks_answer_at_once_and_the_sweeper_catches_up(
    own_redis, sandbox, client, celery_eager
):
    boss = superuser(username="boss")
    *_, neighborhood = build_chain(boss)  # published inline, before the outage
    assert neighborhood._meta.model.objects.get(pk=neighborhood.pk).remote_id is not None
    home = build_home(boss, neighborhood, "H_DOWN", owners=0, approve=False)
    celery_eager.conf.task_always_eager = False  # from now on sends go to the broker, for real
    connection = PortalConnectionFactory()
    ProjectFactory(connection=connection, remote_id="100007")
    client.force_login(boss)

    home.refresh_from_db()
    own_redis.stop()
    url = reverse("admin:homes_home_change", args=[home.pk])
    saved, save_seconds = timed(lambda: client.post(url, home_form(home)))
    hooked, hook_seconds = timed(lambda: webhook_post(client, connection, "100007"))

    assert saved.status_code == 302, saved.content.decode()[:2000]
    approved = "“14 Oak St, Mason (H_DOWN)” is approved: it will be published to Builder Backed."
    assert approved in [str(m) for m in get_messages(saved.wsgi_request)]
    assert save_seconds < WELL_UNDER_A_SECOND
    assert hook_seconds < WELL_UNDER_A_SECOND
    assert hooked.status_code == 202, hooked.content[:500]  # accepted; the scheduled pull covers it
    home.refresh_from_db()
    assert home.is_approved
    assert home.sync_state == SyncState.PENDING
    assert home.sync_enqueued_at is None  # not queued after all: the sweeper will take it

    own_redis.start()
    celery_eager.conf.task_always_eager = True  # the worker's part, inline
    for _ in range(4):  # the sweeper's passes: parents first, then the home
        sync_enqueue_due()

    home.refresh_from_db()
    assert home.sync_state == SyncState.PUBLISHED
    remote = httpx.get(f"{sandbox}/_sandbox/state", timeout=10).json()
    assert "14 Oak St" in json.dumps(remote)
    assert Home.objects.get(pk=home.pk).remote_id is not None
