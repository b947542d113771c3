"""Projects link to homes with evidence: by job number, else by address in the same city/state/ZIP;
disagreements are to review, two projects on a home are a conflict, staff confirm or reject."""

import pytest
from django.core.management import call_command

from integrations.portals.linking import (
    address_key,
    address_line_normalize,
    project_link_confirm,
    project_link_manual,
    project_link_reject,
    projects_link_auto,
    projects_links_recheck,
    street_and_unit,
)
from integrations.portals.models.mirrors import LinkMethod, LinkRejection, LinkState, Project
from tests.factories import HomeFactory, HomeownerFactory, superuser
from tests.integrations.portals.factories import PortalConnectionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def linked(project: Project) -> Project:
    projects_link_auto([project])
    return Project.objects.get(pk=project.pk)


# -- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("8457 Laurel Springs Court", "8457 laurel spgs ct"),
        ("  12  North  Oak   Street. ", "12 n oak st"),
        ("12 N. Oak St", "12 n oak st"),
        ("400 W. Main Avenue", "400 w main ave"),
        ("400 W Main Ave.", "400 w main ave"),
        ("77 Sunset Boulevard", "77 sunset blvd"),
        ("5 Cedar Lane", "5 cedar ln"),
        ("9 Ridge Drive", "9 rdg dr"),
    ],
)
def test_address_lines_normalize_the_usps_way(raw, normalized):
    assert address_line_normalize(raw) == normalized


@pytest.mark.parametrize(
    ("line1", "line2"),
    [
        ("400 W. Main Avenue, Apt #2", ""),
        ("400 W Main Ave #2", ""),
        ("400 West Main Ave", "Unit 2"),
        ("400 W Main Ave", "Apartment 2"),
        ("400 w main ave ste 2", ""),
        ("400 W MAIN AVE", "# 2"),
    ],
)
def test_unit_forms_on_either_line_agree(line1, line2):
    assert street_and_unit(line1, line2) == ("400 w main ave", "2")


def test_a_different_unit_is_a_different_address_and_a_plat_lot_is_ignored():
    assert address_key("1 Oak St", "Mason", "OH", "45040", "Apt 2") != address_key(
        "1 Oak St", "Mason", "OH", "45040", "Apt 3"
    )
    assert address_key("1 Oak St", "Mason", "OH", "45040", "Lot 41") == address_key(
        "1 Oak Street", "Mason", "OH", "45040"
    )


def test_address_keys_compare_five_digit_zips_and_ignore_case():
    assert address_key("12 Oak Street", "Mason", "OH", "45040-1234") == address_key(
        "12 oak st.", "MASON", "oh", "45040"
    )
    assert address_key("12 Oak Street", "Mason", "OH", "") is None


# -- evidence -------------------------------------------------------------------------------


def test_a_job_number_link_whose_address_disagrees_is_made_but_to_review():
    home = HomeFactory(job_id="JOB-0002", address_line1="102 Willow Ave", city="Mason",
                       state="OH", postal_code="45040")  # fmt: skip
    HomeownerFactory(home=home, first_name="Liam", last_name="Martin", email="liam@example.com")
    project = linked(ProjectFactory(
        job_number="JOB-0002", address_line1="5981 Sycamore Trl", city="Austin", state="TX",
        postal_code="78704", clients=[{"name": "Ava Harper", "email": "ava@mail.example"}],
    ))  # fmt: skip
    assert (project.home, project.link_method) == (home, LinkMethod.AUTO_JOB)
    assert project.link_state == LinkState.REVIEW
    by_field = {d["field"]: (d["home"], d["project"]) for d in project.link_differences}
    assert by_field == {
        "address": ("102 Willow Ave", "5981 Sycamore Trl"),
        "city": ("Mason", "Austin"),
        "state": ("OH", "TX"),
        "postal_code": ("45040", "78704"),
        "owners": ("Liam Martin", "Ava Harper"),
    }
    assert project.link_disagreements == 5


def test_a_job_number_link_that_agrees_is_linked_clients_matching_by_email_or_name():
    home = HomeFactory(job_id="JOB-0003", address_line1="12 North Oak Street", city="Mason",
                       state="OH", postal_code="45040-0001")  # fmt: skip
    HomeownerFactory(home=home, first_name="Ann", last_name="Lee", email="ann@old.example")
    project = linked(ProjectFactory(
        job_number="JOB-0003", address_line1="12 N. Oak St", city="MASON", state="oh",
        postal_code="45040", clients=[{"name": "Ann  Lee", "email": "ann@new.example"}],
    ))  # fmt: skip
    assert (project.link_state, project.link_differences) == (LinkState.LINKED, [])


def test_without_a_job_match_the_normalized_address_links():
    home = HomeFactory(job_id="", address_line1="12 North Oak Street", city="Mason",
                       state="OH", postal_code="45040-0001")  # fmt: skip
    project = linked(ProjectFactory(job_number="UNKNOWN-1", address_line1="12 N. Oak St",
                                    city="mason", state="oh", postal_code="45040"))  # fmt: skip
    assert (project.home, project.link_method) == (home, LinkMethod.AUTO_ADDRESS)
    assert project.link_state == LinkState.LINKED


def test_an_address_only_match_needs_the_same_city_state_and_zip():
    HomeFactory(job_id="", address_line1="12 Oak St", city="Mason", state="OH",
                postal_code="45040")  # fmt: skip
    for city, state, zip_code in [("Lebanon", "OH", "45040"), ("Mason", "OH", "45041")]:
        project = linked(ProjectFactory(job_number="", address_line1="12 Oak Street",
                                        city=city, state=state, postal_code=zip_code))  # fmt: skip
        assert (project.home, project.link_state) == (None, LinkState.UNLINKED)


def test_an_ambiguous_match_links_nothing():
    HomeFactory(job_id="JOB-7")
    HomeFactory(job_id="JOB-7")
    project = ProjectFactory(job_number="JOB-7", address_line1="1 Nowhere Rd")
    assert projects_link_auto([project]) == 0
    assert Project.objects.get(pk=project.pk).home is None


def test_an_auto_link_follows_a_changed_job_number():
    old, new = HomeFactory(job_id="JOB-1"), HomeFactory(job_id="JOB-2")
    project = ProjectFactory(job_number="JOB-1", address_line1="1 Nowhere Rd")
    projects_link_auto([project])
    assert Project.objects.get(pk=project.pk).home == old
    project.job_number = "JOB-2"
    projects_link_auto([project])
    assert Project.objects.get(pk=project.pk).home == new


# -- conflicts --------------------------------------------------------------------------------


def test_two_portals_on_one_home_are_a_conflict_until_staff_confirm_both():
    staff = superuser()
    home = HomeFactory(job_id="JOB-0021")
    bt = linked(ProjectFactory(job_number="JOB-0021", connection=PortalConnectionFactory()))
    assert bt.link_state in (LinkState.LINKED, LinkState.REVIEW)
    cc = linked(ProjectFactory(job_number="JOB-0021", connection=PortalConnectionFactory(
        portal="coconstruct")))  # fmt: skip
    states = dict(Project.objects.filter(home=home).values_list("pk", "link_state"))
    assert states == {bt.pk: LinkState.CONFLICT, cc.pk: LinkState.CONFLICT}

    project_link_confirm(project=Project.objects.get(pk=bt.pk), user=staff)
    assert Project.objects.get(pk=cc.pk).link_state == LinkState.CONFLICT
    project_link_confirm(project=Project.objects.get(pk=cc.pk), user=staff)
    states = set(Project.objects.filter(home=home).values_list("link_state", flat=True))
    assert states == {LinkState.CONFIRMED}


def test_a_conflict_settles_when_one_project_is_rejected():
    staff = superuser()
    home = HomeFactory(job_id="JOB-0030", address_line1="30 Elm Street", city="Mason",
                       state="OH", postal_code="45040")  # fmt: skip
    keep = linked(ProjectFactory(job_number="JOB-0030", address_line1="30 Elm St"))
    other = linked(ProjectFactory(job_number="JOB-0030", address_line1="30 Elm St"))
    assert Project.objects.get(pk=keep.pk).link_state == LinkState.CONFLICT
    project_link_reject(project=Project.objects.get(pk=other.pk), user=staff)
    assert Project.objects.get(pk=keep.pk).link_state == LinkState.LINKED
    assert Project.objects.get(pk=other.pk).home is None
    assert home.portal_projects.count() == 1


# -- staff decisions --------------------------------------------------------------------------


def test_a_rejected_pair_is_never_proposed_again():
    staff = superuser()
    home = HomeFactory(job_id="JOB-0040")
    project = linked(ProjectFactory(job_number="JOB-0040"))
    assert project.home == home
    project = project_link_reject(project=project, user=staff)
    assert (project.home, project.link_state) == (None, LinkState.UNLINKED)
    assert LinkRejection.objects.filter(project=project, home=home, rejected_by=staff).exists()
    assert linked(project).home is None
    assert projects_links_recheck() == 0
    assert Project.objects.get(pk=project.pk).home is None


def test_rejecting_a_job_link_falls_back_to_another_home_with_the_address():
    staff = superuser()
    wrong = HomeFactory(job_id="JOB-0041")
    right = HomeFactory(job_id="", address_line1="41 Elm Street", city="Mason", state="OH",
                        postal_code="45040")  # fmt: skip
    project = linked(ProjectFactory(job_number="JOB-0041", address_line1="41 Elm St"))
    assert project.home == wrong
    project = project_link_reject(project=project, user=staff)
    assert (project.home, project.link_method) == (right, LinkMethod.AUTO_ADDRESS)


def test_auto_linking_never_overwrites_a_manual_link():
    picked = HomeFactory(job_id="")
    HomeFactory(job_id="JOB-0100")
    project = ProjectFactory(job_number="JOB-0100")
    project_link_manual(project=project, home=picked, user=superuser())
    project = linked(Project.objects.get(pk=project.pk))
    assert (project.home, project.link_method) == (picked, LinkMethod.MANUAL)
    assert project.link_state == LinkState.CONFIRMED


def test_clearing_a_manual_link_hands_the_project_back_to_auto_linking():
    home = HomeFactory(job_id="JOB-0200")
    project = ProjectFactory(job_number="JOB-0200")
    project_link_manual(project=project, home=HomeFactory(job_id=""))
    project_link_manual(project=project, home=None)
    project.refresh_from_db()
    assert (project.home, project.link_method) == (home, LinkMethod.AUTO_JOB)


def test_linking_many_projects_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(60):
        HomeFactory(job_id=f"JOB-9{n:03d}", homeowners=1)
    projects = [ProjectFactory(job_number=f"JOB-9{n:03d}") for n in range(60)]
    projects += [ProjectFactory(job_number="NOPE") for _ in range(20)]
    with django_assert_max_num_queries(10):
        assert projects_link_auto(projects) == 60


# -- command ----------------------------------------------------------------------------------


def test_portal_links_prints_counts_per_state_and_the_worst_disagreements(capsys):
    HomeFactory(job_id="JOB-0002", address_line1="102 Willow Ave", city="Mason")
    connection = PortalConnectionFactory(name="BT")
    ProjectFactory(connection=connection, job_number="JOB-0002", address_line1="5981 Sycamore Trl",
                   city="Austin", state="TX", postal_code="78704")  # fmt: skip
    ProjectFactory(connection=connection, job_number="JOB-NONE")
    call_command("portal_links", "--connection", "BT", "--recheck")
    out = capsys.readouterr().out
    assert "Rechecked: 1 link changed." in out
    assert "Portal projects (BT): 2 live projects" in out
    assert "To review                   1" in out
    assert "Unlinked                    1" in out
    assert "JOB-0002 (BT) → HOME_" in out
    assert "Address: home “102 Willow Ave” vs portal “5981 Sycamore Trl”" in out


# -- on every pull ----------------------------------------------------------------------------


@pytest.fixture
def fake_pull(settings):
    from integrations.portals.pull.run import portal_pull
    from tests.integrations.portals.fakes import FakeClient, FakePortal

    settings.PORTAL_PULL_OVERLAP_SECONDS = 0
    portal, connection = FakePortal(kinds=()), PortalConnectionFactory()

    def pull(**kwargs):
        return portal_pull(connection_id=connection.pk, client=FakeClient(portal), **kwargs)

    return portal, pull


def test_a_confirmed_link_survives_a_repull_with_changed_data(fake_pull):
    portal, pull = fake_pull
    home = HomeFactory(job_id="FAKE-0001", address_line1="1 Main Street", city="Mason",
                       postal_code="45040")  # fmt: skip
    HomeFactory(job_id="FAKE-0009")
    remote_id = portal.add_project()
    pull()
    project = Project.objects.get(remote_id=remote_id)
    assert (project.home, project.link_state) == (home, LinkState.LINKED)
    project_link_confirm(project=project, user=superuser())

    far = {"line1": "9 Far Rd", "city": "Austin", "state": "TX", "postalCode": "78704"}
    portal.edit("projects", remote_id, jobNumber="FAKE-0009", address=far)
    pull()
    pull(full=True)
    project.refresh_from_db()
    assert (project.job_number, project.home, project.link_state) == (
        "FAKE-0009",
        home,
        LinkState.CONFIRMED,
    )


def test_an_unconfirmed_link_is_reweighed_when_the_job_changes_in_the_portal(fake_pull):
    portal, pull = fake_pull
    HomeFactory(job_id="FAKE-0001", address_line1="1 Main Street", city="Mason",
                postal_code="45040")  # fmt: skip
    remote_id = portal.add_project()
    pull()
    portal.edit("projects", remote_id, address={"line1": "77 Moved Ave", "city": "Mason",
                                                 "state": "OH", "postalCode": "45040"})  # fmt: skip
    pull()
    project = Project.objects.get(remote_id=remote_id)
    assert project.link_state == LinkState.REVIEW
    assert [d["field"] for d in project.link_differences] == ["address"]


def test_a_full_pull_links_a_job_to_a_home_added_since(fake_pull):
    portal, pull = fake_pull
    remote_id = portal.add_project()
    pull()
    assert Project.objects.get(remote_id=remote_id).link_state == LinkState.UNLINKED
    home = HomeFactory(job_id="FAKE-0001")
    pull(full=True)
    assert Project.objects.get(remote_id=remote_id).home == home


# -- demo data --------------------------------------------------------------------------------


def test_the_demo_gives_the_first_homes_their_sandbox_job_so_links_agree():
    from integrations.portals.demo import DRIFTING_HOME, homes_demo_match
    from integrations.portals.drift import project_clients_drift
    from integrations.portals.pull.normalize import project_fields, row_from_payload
    from integrations.sandbox.portals.seed import seed_project

    staff = superuser()
    for n in (1, 5, 7):
        HomeFactory(external_id=f"HOME_{n:05d}", job_id=f"JOB-{n:04d}")
    assert homes_demo_match(user=staff) == 2  # HOME_00007 is left to disagree
    assert homes_demo_match(user=staff) == 0  # idempotent
    connection = PortalConnectionFactory()
    projects = []
    for n in (1, 5, 7):
        row = row_from_payload(seed_project(n), project_fields)
        projects.append(Project.objects.create(connection=connection, remote_id=row.remote_id,
                                               **row.fields))  # fmt: skip
    projects_link_auto(projects)
    states = [Project.objects.get(pk=p.pk).link_state for p in projects]
    assert states == [LinkState.LINKED, LinkState.LINKED, LinkState.REVIEW]
    drifting = Project.objects.get(pk=projects[1].pk)
    assert drifting.home.external_id == f"HOME_{DRIFTING_HOME:05d}"
    [missing] = project_clients_drift(drifting).changes  # its second client, left out
    assert missing.client == drifting.clients[1]
