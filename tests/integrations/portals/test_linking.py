"""Projects link to homes by job number, else by normalized address; manual links stay."""

import pytest

from integrations.portals.linking import (
    address_key,
    address_line_normalize,
    project_link_manual,
    projects_link_auto,
)
from integrations.portals.models import LinkMethod, Project
from tests.factories import HomeFactory
from tests.integrations.portals.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("8457 Laurel Springs Court", "8457 laurel spgs ct"),
        ("  12  North  Oak   Street. ", "12 n oak st"),
        ("12 N. Oak St", "12 n oak st"),
        ("400 W. Main Avenue, Apt #2", "400 w main ave apt 2"),
        ("77 Sunset Boulevard", "77 sunset blvd"),
        ("5 Cedar Lane", "5 cedar ln"),
        ("9 Ridge Drive", "9 rdg dr"),
    ],
)
def test_address_lines_normalize_the_usps_way(raw, normalized):
    assert address_line_normalize(raw) == normalized


def test_address_keys_compare_five_digit_zips_and_ignore_case():
    assert address_key("12 Oak Street", "Mason", "OH", "45040-1234") == address_key(
        "12 oak st.", "MASON", "oh", "45040"
    )
    assert address_key("12 Oak Street", "Mason", "OH", "") is None


def test_a_project_links_to_the_home_with_its_job_number():
    home = HomeFactory(job_id="JOB-0042")
    project = ProjectFactory(job_number=" JOB-0042 ", address_line1="1 Nowhere Rd")
    assert projects_link_auto([project]) == 1
    project.refresh_from_db()
    assert (project.home, project.link_method) == (home, LinkMethod.AUTO_JOB)


def test_without_a_job_match_the_normalized_address_links():
    home = HomeFactory(job_id="", address_line1="12 North Oak Street", city="Mason",
                       state="OH", postal_code="45040-0001")  # fmt: skip
    project = ProjectFactory(job_number="UNKNOWN-1", address_line1="12 N. Oak St",
                             city="mason", state="oh", postal_code="45040")  # fmt: skip
    projects_link_auto([project])
    project.refresh_from_db()
    assert (project.home, project.link_method) == (home, LinkMethod.AUTO_ADDRESS)


def test_an_ambiguous_match_links_nothing():
    HomeFactory(job_id="JOB-7")
    HomeFactory(job_id="JOB-7")
    project = ProjectFactory(job_number="JOB-7", address_line1="1 Nowhere Rd")
    assert projects_link_auto([project]) == 0
    assert Project.objects.get(pk=project.pk).home is None


def test_auto_linking_never_overwrites_a_manual_link():
    picked = HomeFactory(job_id="")
    HomeFactory(job_id="JOB-0100")
    project = ProjectFactory(job_number="JOB-0100")
    project_link_manual(project=project, home=picked)
    projects_link_auto([Project.objects.get(pk=project.pk)])
    project.refresh_from_db()
    assert (project.home, project.link_method) == (picked, LinkMethod.MANUAL)


def test_clearing_a_manual_link_hands_the_project_back_to_auto_linking():
    home = HomeFactory(job_id="JOB-0200")
    project = ProjectFactory(job_number="JOB-0200")
    project_link_manual(project=project, home=HomeFactory(job_id=""))
    project_link_manual(project=project, home=None)
    project.refresh_from_db()
    assert (project.home, project.link_method) == (home, LinkMethod.AUTO_JOB)


def test_an_auto_link_follows_a_changed_job_number():
    old, new = HomeFactory(job_id="JOB-1"), HomeFactory(job_id="JOB-2")
    project = ProjectFactory(job_number="JOB-1", address_line1="1 Nowhere Rd")
    projects_link_auto([project])
    assert Project.objects.get(pk=project.pk).home == old
    project.job_number = "JOB-2"
    projects_link_auto([project])
    assert Project.objects.get(pk=project.pk).home == new


def test_linking_many_projects_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(30):
        HomeFactory(job_id=f"JOB-9{n:03d}")
    projects = [ProjectFactory(job_number=f"JOB-9{n:03d}") for n in range(30)]
    projects += [ProjectFactory(job_number="NOPE") for _ in range(10)]
    with django_assert_max_num_queries(4):
        assert projects_link_auto(projects) == 30
