"""Unlinked portal jobs become draft homes, linked and confirmed, through homes' own services;
a job whose client lacks an e-mail is reported and nothing of it is made."""

import pytest

from builderops.core.review import ReviewState
from homes.models import Home, HomeType
from integrations.portals.homes_from_jobs import (
    job_draft,
    neighborhood_suggest,
    projects_homes_create,
)
from integrations.portals.models.mirrors import LinkMethod, LinkState, Project
from tests.factories import HomeFactory, chain, user_in_role
from tests.integrations.portals.factories import PortalConnectionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

CLIENTS = {
    "JOB-0101": [{"name": "Ava Harper", "email": "ava@mail.example"},
                 {"name": "Mary Ann Harper", "email": "MARY@mail.example"}],
    "JOB-0102": [{"name": "Noah Kim", "email": "noah@mail.example"}],
    "JOB-0103": [{"name": "Lee Park", "email": "lee@mail.example"},
                 {"name": "Sam Park", "email": None}],
}  # fmt: skip


@pytest.fixture
def jobs():
    connection = PortalConnectionFactory(home_type_default=HomeType.MULTI_FAMILY)
    return [
        ProjectFactory(connection=connection, job_number=job, clients=clients,
                       address_line1=f"{n} Sycamore Trail",
                       address_line2="Unit 4" if n == 1 else "",
                       city="Austin", state="tx", postal_code="78704-1234")
        for n, (job, clients) in enumerate(CLIENTS.items(), 1)
    ]  # fmt: skip


def test_three_jobs_make_two_draft_homes_and_report_the_client_without_an_email(jobs):
    editor = user_in_role("Editor")
    neighborhood = chain()
    result = projects_homes_create(projects=jobs, neighborhood=neighborhood, user=editor)

    assert [h.external_id for _, h in result.created] == ["JOB-0101", "JOB-0102"]
    [(failed, reason)] = result.failed
    assert failed.job_number == "JOB-0103"
    assert reason == "Client “Sam Park” has no e-mail: enter one."
    assert not Home.objects.filter(job_id="JOB-0103").exists()  # nothing half-made
    assert Project.objects.get(pk=failed.pk).home is None

    home = Home.objects.get(external_id="JOB-0101")
    assert (home.review_state, home.job_id, home.home_type) == (
        ReviewState.DRAFT,
        "JOB-0101",
        HomeType.MULTI_FAMILY,
    )
    assert (home.address_line1, home.address_line2, home.city, home.state, home.postal_code) == (
        "1 Sycamore Trail",
        "Unit 4",
        "Austin",
        "TX",
        "78704-1234",
    )
    owners = list(home.homeowners.values_list("first_name", "last_name", "email"))
    assert owners == [("Ava", "Harper", "ava@mail.example"),
                      ("Mary Ann", "Harper", "MARY@mail.example")]  # fmt: skip
    assert home.history.first().history_user == editor
    project = Project.objects.get(job_number="JOB-0101")
    assert (project.home, project.link_method, project.link_state, project.link_confirmed_by) == (
        home,
        LinkMethod.CREATED,
        LinkState.CONFIRMED,
        editor,
    )


def test_the_email_staff_type_for_a_client_is_used(jobs):
    fixes = {(jobs[2].pk, 1): "sam@mail.example"}
    result = projects_homes_create(
        projects=[jobs[2]], neighborhood=chain(), user=user_in_role("Editor"), email_fixes=fixes
    )
    [(_, home)] = result.created
    assert sorted(home.homeowners.values_list("email", flat=True)) == [
        "lee@mail.example",
        "sam@mail.example",
    ]


def test_a_job_failing_home_validation_is_reported_with_the_reason(jobs):
    HomeFactory(external_id="JOB-0102")
    result = projects_homes_create(
        projects=jobs[:2], neighborhood=chain(), user=user_in_role("Editor")
    )
    assert [h.external_id for _, h in result.created] == ["JOB-0101"]
    [(failed, reason)] = result.failed
    assert failed.job_number == "JOB-0102"
    assert "external ID already exists" in reason.lower() or "already exists" in reason


def test_an_invalid_email_is_listed_for_the_user_to_fix():
    project = ProjectFactory(clients=[{"name": "Bo Lin", "email": "bo@"}, {"name": "Cy"}])
    draft = job_draft(project)
    assert [(c.first_name, c.last_name, c.problem) for c in draft.problems] == [
        ("Bo", "Lin", "has an invalid e-mail (“bo@”)"),
        ("Cy", "", "has no e-mail"),
    ]


def test_the_neighborhood_is_suggested_from_the_zip_and_the_linked_homes_near_it():
    near, linked_near, far = chain(), chain(), chain()
    HomeFactory(neighborhood=near, postal_code="78704")
    HomeFactory(neighborhood=near, postal_code="78704")
    ProjectFactory(home=HomeFactory(neighborhood=linked_near, postal_code="78704-0001"))
    HomeFactory(neighborhood=far, postal_code="45040", city="Mason")
    job = ProjectFactory(city="Austin", postal_code="78704")
    assert neighborhood_suggest([job]) == linked_near


def test_a_run_on_a_worker_resumes_after_a_lost_worker_without_failing_made_homes(jobs):
    from integrations.portals.homes_from_jobs import (
        homes_from_jobs_run_execute,
        homes_from_jobs_run_start,
    )

    editor, neighborhood = user_in_role("Editor"), chain()
    run = homes_from_jobs_run_start(projects=jobs, neighborhood=neighborhood, user=editor)
    # A worker made the first job's home, then died before it recorded any progress.
    projects_homes_create(projects=jobs[:1], neighborhood=neighborhood, user=editor)

    run = homes_from_jobs_run_execute(run_id=run.pk)
    assert (run.status, run.done, run.percent) == ("done", 3, 100)
    assert run.created == [[jobs[0].pk, "JOB-0101"], [jobs[1].pk, "JOB-0102"]]
    assert run.failed == [[str(jobs[2]), "Client “Sam Park” has no e-mail: enter one."]]
    assert homes_from_jobs_run_execute(run_id=run.pk).created == run.created  # safe twice
    assert Home.objects.filter(job_id__in=["JOB-0101", "JOB-0102"]).count() == 2
