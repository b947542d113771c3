"""End to end over sockets: pull from both portal sandboxes, make draft homes from the jobs that
have no home, approve them, and a real worker publishes them with their owners to Builder Backed's
sandbox — which ends up holding each job's address and clients."""

import time

import httpx
import pytest

from builderops.core.publishing import SyncState
from builderops.core.records import records_approve_bulk
from homes.models import Home
from integrations.portals.homes_from_jobs import projects_homes_create
from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import LinkState, Project
from integrations.portals.pull.run import portal_pull
from tests.factories import superuser
from tests.integrations.builderbacked.sync_support import build_chain, build_home

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def connect(base_url: str, portal: str) -> PortalConnection:
    connection = PortalConnection(
        name=f"{portal} e2e", portal=portal, base_url=base_url, username="demo@builder.example"
    )
    connection.set_password("demo-password")  # the sandboxes' default
    connection.save()
    return connection


def wait_until_homes_published(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = list(Home.objects.exclude(sync_state=SyncState.PUBLISHED).values_list(
            "external_id", "sync_state", "sync_last_error"))  # fmt: skip
        if not left:
            return
        assert not [row for row in left if row[1] == SyncState.FAILED], left
        time.sleep(0.1)
    pytest.fail(f"not all homes published within {timeout}s: {left}")


def test_jobs_pulled_from_both_portals_become_homes_published_with_their_owners(
    run_sandbox, celery_worker_process, settings
):
    bb = run_sandbox("builderbacked")
    settings.BUILDERBACKED_BASE_URL, settings.BUILDERBACKED_TOKEN_URL = bb, f"{bb}/oauth2/token"
    celery_worker_process(concurrency=2, BUILDERBACKED_BASE_URL=bb,
                          BUILDERBACKED_TOKEN_URL=f"{bb}/oauth2/token")  # fmt: skip
    staff = superuser()
    *_, neighborhood = build_chain(staff, "1")
    build_home(staff, neighborhood, "H_JOB_1", job_id="JOB-0001")  # its address disagrees
    bt = connect(run_sandbox("buildertrend", "--projects", "3"), "buildertrend")
    cc = connect(run_sandbox("coconstruct", "--projects", "2", "--first-project", "4"),
                 "coconstruct")  # fmt: skip

    for connection in (bt, cc):
        assert portal_pull(connection_id=connection.pk).status == "succeeded"
    states = dict(Project.objects.values_list("job_number", "link_state"))
    assert states == {"JOB-0001": LinkState.REVIEW, "JOB-0002": LinkState.UNLINKED,
                      "JOB-0003": LinkState.UNLINKED, "JOB-0004": LinkState.UNLINKED,
                      "JOB-0005": LinkState.UNLINKED}  # fmt: skip

    unlinked = list(Project.objects.filter(link_state=LinkState.UNLINKED).order_by("job_number"))
    result = projects_homes_create(projects=unlinked, neighborhood=neighborhood, user=staff)
    assert result.failed == []
    new_homes = Home.objects.filter(external_id__in=[p.job_number for p in unlinked])
    approved, refused = records_approve_bulk(objs=new_homes, user=staff)
    assert (approved, refused) == (4, [])
    wait_until_homes_published()

    remote = {h["externalId"]: h for h in httpx.get(f"{bb}/_sandbox/state").json()["homes"]}
    for project in unlinked:
        home = remote[project.job_number]
        assert (home["addressLine1"], home["city"], home["postalCode"], home["jobId"]) == (
            project.address_line1,
            project.city,
            project.postal_code,
            project.job_number,
        )
        assert sorted(o["email"] for o in home["homeowners"]) == sorted(
            c["email"] for c in project.clients
        )
    assert set(Project.objects.values_list("link_state", flat=True)) == {
        LinkState.REVIEW,
        LinkState.CONFIRMED,
    }
