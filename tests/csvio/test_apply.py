"""Applying a file: review state, history and sync state follow the admin's rules, in bulk."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from builderops.core.publishing import SyncState, records_due
from builderops.core.review import ReviewState
from builderops.csvio.kinds import spec_get
from builderops.csvio.services import import_file_apply, import_file_preview
from builderops.csvio.summary import outcome_summary
from homes.models import Home, Homeowner
from tests.csvio.conftest import HOME_HEADER
from tests.factories import superuser

ROW = (
    "{id},1 Oak St,,Mason,OH,45040,Single Family,{nh},false,JOB-1,Designer,Ashton,"
    "2026-03-31,,{email},Ann,Smith"
)


def homes_file(write_file, *rows: str, header: str = HOME_HEADER):
    return write_file("\n".join([header, *rows]) + "\n")


def row(external_id="HOME_001", nh="NH_001", email="ann@example.com", **changes) -> str:
    text = ROW.format(id=external_id, nh=nh, email=email)
    for old, new in changes.items():
        text = text.replace(old.replace("_", " "), new)
    return text


def test_an_editor_imports_drafts_with_history(hierarchy, editor, write_file):
    path = homes_file(write_file, row("HOME_001"), row("HOME_002", email="bo@example.com"))
    outcome = import_file_apply(kind="homes", path=path, user=editor)
    assert outcome.counts | {"rows": 2} == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
        "to_draft": 0,
        "rows": 2,
    }
    home = Home.objects.get(external_id="HOME_001")
    assert (home.review_state, home.sync_state, home.sync_version) == (
        ReviewState.DRAFT,
        SyncState.NOT_PUBLISHED,
        0,
    )
    assert home.neighborhood == hierarchy["nh1"]
    history = home.history.get()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        editor,
        "CSV import",
    )
    owner = Homeowner.objects.get(home=home)
    assert (owner.email, owner.first_name, owner.last_name) == ("ann@example.com", "Ann", "Smith")
    assert owner.history.get().history_user == editor


def test_an_approver_imports_approved_records_due_to_publish(hierarchy, approver, write_file):
    path = homes_file(write_file, row())
    import_file_apply(kind="homes", path=path, user=approver, approve=True)
    home = Home.objects.get()
    assert (home.review_state, home.approved_by, home.sync_state, home.sync_version) == (
        ReviewState.APPROVED,
        approver,
        SyncState.PENDING,
        1,
    )
    assert home.approved_at is not None
    assert home.sync_due_since is not None


def test_approving_on_import_needs_the_approve_permission(hierarchy, editor, write_file):
    with pytest.raises(PermissionDenied, match="“Can approve home” permission"):
        import_file_apply(
            kind="homes", path=homes_file(write_file, row()), user=editor, approve=True
        )
    assert Home.objects.count() == 0


def test_approving_under_a_draft_neighborhood_is_an_error(hierarchy, approver, write_file):
    outcome = import_file_apply(
        kind="homes", path=homes_file(write_file, row(nh="NH_003")), user=approver, approve=True
    )
    assert [error.line() for error in outcome.errors] == [
        'row 2, column neighborhoodExternalId: value "NH_003": can\'t be approved while its '
        "neighborhood “NH_003” is a draft. Fix: Approve the neighborhood first, or import "
        "without “approve on import”"
    ]
    assert Home.objects.count() == 0


def test_unchanged_rows_are_not_written(hierarchy, editor, write_file):
    path = homes_file(write_file, row())
    import_file_apply(kind="homes", path=path, user=editor)
    outcome = import_file_apply(kind="homes", path=path, user=editor)
    assert (outcome.counts["unchanged"], outcome.counts["updated"]) == (1, 0)
    assert (Home.history.count(), Homeowner.history.count()) == (1, 1)


def approved_home(approver, write_file):
    import_file_apply(kind="homes", path=homes_file(write_file, row()), user=approver, approve=True)
    return Home.objects.get()


def test_an_editors_change_returns_an_approved_home_to_draft(
    hierarchy, approver, editor, write_file
):
    approved_home(approver, write_file)
    path = homes_file(write_file, row().replace("Mason", "Dayton"))
    preview = import_file_preview(kind="homes", path=path, user=editor)
    assert (preview.counts["updated"], preview.counts["to_draft"]) == (1, 1)
    assert preview.samples["updated"] == [
        {"row": 2, "key": "HOME_001", "detail": "city: “Mason” → “Dayton”"}
    ]
    import_file_apply(kind="homes", path=path, user=editor)
    home = Home.objects.get()
    assert (home.city, home.review_state, home.approved_by) == ("Dayton", ReviewState.DRAFT, None)
    assert [h.history_type for h in home.history.order_by("history_id")] == ["+", "~"]


def test_an_approvers_change_with_approve_ticked_keeps_the_home_approved_and_due(
    hierarchy, approver, write_file
):
    approved_home(approver, write_file)
    path = homes_file(write_file, row().replace("Mason", "Dayton"))
    import_file_apply(kind="homes", path=path, user=approver, approve=True)
    home = Home.objects.get()
    assert (home.city, home.review_state, home.sync_state, home.sync_version) == (
        "Dayton",
        ReviewState.APPROVED,
        SyncState.PENDING,
        2,
    )


@pytest.mark.parametrize("who", ["approver", "superuser"])
def test_approve_unticked_keeps_even_an_approvers_change_a_draft_and_publishes_nothing(
    who, hierarchy, approver, write_file, django_capture_on_commit_callbacks
):
    """Issue 12: unticked is the importer's explicit choice, whatever they may do."""
    approved_home(approver, write_file)
    Home.objects.update(sync_state=SyncState.PUBLISHED, remote_id=7)  # Builder Backed has it
    importer = approver if who == "approver" else superuser(username="root")
    path = homes_file(write_file, row().replace("Mason", "Dayton"))
    preview = import_file_preview(kind="homes", path=path, user=importer)
    assert (preview.counts["updated"], preview.counts["to_draft"]) == (1, 1)
    published = []
    records_due.connect(receiver := lambda **kwargs: published.append(kwargs))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = import_file_apply(kind="homes", path=path, user=importer)
    finally:
        records_due.disconnect(receiver)
    home = Home.objects.get()
    assert (home.city, home.review_state, home.approved_by) == ("Dayton", ReviewState.DRAFT, None)
    assert (home.sync_state, home.sync_version) == (SyncState.PUBLISHED, 1)
    assert published == []
    latest = home.history.latest("history_id")
    assert (latest.history_type, latest.history_user, latest.city, latest.review_state) == (
        "~",
        importer,
        "Dayton",
        ReviewState.DRAFT,
    )
    assert outcome_summary(counts=outcome.counts, model=Home, approve=False, done=True) == (
        "1 change was saved as a draft; nothing is published until it is approved. 1 approved "
        "home returned to draft; Builder Backed keeps its last approved version until an "
        "approver approves it."
    )


def test_approve_on_import_approves_an_unchanged_draft(hierarchy, editor, approver, write_file):
    path = homes_file(write_file, row())
    import_file_apply(kind="homes", path=path, user=editor)
    outcome = import_file_apply(kind="homes", path=path, user=approver, approve=True)
    assert outcome.samples["updated"][0]["detail"] == "review: draft → approved"
    assert Home.objects.get().review_state == ReviewState.APPROVED


def test_homeowner_columns_replace_the_homes_owners(hierarchy, editor, write_file):
    header = HOME_HEADER + ",homeowner2Email,homeowner2FirstName"
    import_file_apply(
        kind="homes",
        user=editor,
        path=homes_file(write_file, row() + ",bo@example.com,Bo", header=header),
    )
    home = Home.objects.get()
    ann = home.homeowners.get(email="ann@example.com")
    # Ann's name changes (same email, other case), Bo leaves, Cy arrives.
    changed = row(email="ANN@example.com").replace("Ann,Smith", "Anne,Smith") + ",cy@example.com,Cy"
    outcome = import_file_apply(
        kind="homes", path=homes_file(write_file, changed, header=header), user=editor
    )
    assert outcome.samples["updated"][0]["detail"] == (
        "homeowners: ann@example.com, bo@example.com → ANN@example.com, cy@example.com"
    )
    owners = list(home.homeowners.order_by("id").values_list("id", "email", "first_name"))
    assert owners == [(ann.pk, "ANN@example.com", "Anne"), (owners[1][0], "cy@example.com", "Cy")]
    assert sorted(Homeowner.history.values_list("email", "history_type")) == [
        ("ANN@example.com", "~"),
        ("ann@example.com", "+"),
        ("bo@example.com", "+"),
        ("bo@example.com", "-"),
        ("cy@example.com", "+"),
    ]
    home.refresh_from_db()
    assert home.sync_homeowners_replace is True


def test_a_file_without_homeowner_columns_leaves_owners_alone(hierarchy, editor, write_file):
    import_file_apply(kind="homes", path=homes_file(write_file, row()), user=editor)
    header = HOME_HEADER.rsplit(",homeowner1Email", 1)[0]
    plain = row().rsplit(",ann@example.com", 1)[0]
    outcome = import_file_apply(
        kind="homes", path=homes_file(write_file, plain, header=header), user=editor
    )
    assert outcome.counts["unchanged"] == 1
    assert list(Homeowner.objects.values_list("email", flat=True)) == ["ann@example.com"]


def test_an_optional_column_left_out_keeps_the_stored_value(hierarchy, editor, write_file):
    import_file_apply(kind="homes", path=homes_file(write_file, row()), user=editor)
    header = "externalId,addressLine1,city,state,postalCode,type,neighborhoodExternalId"
    path = homes_file(
        write_file, "HOME_001,1 Oak St,Mason,OH,45040,Multi Family,NH_001", header=header
    )
    import_file_apply(kind="homes", path=path, user=editor)
    home = Home.objects.get()
    assert (home.home_type, home.job_id, str(home.closing_date)) == (
        "Multi Family",
        "JOB-1",
        "2026-03-31",
    )


def test_a_published_home_is_updated_by_its_external_id(hierarchy, editor, write_file):
    import_file_apply(kind="homes", path=homes_file(write_file, row()), user=editor)
    Home.objects.update(remote_id=77, sync_state=SyncState.PUBLISHED)
    import_file_apply(
        kind="homes", path=homes_file(write_file, row().replace("Mason", "Dayton")), user=editor
    )
    assert Home.objects.values_list("city", "remote_id").get() == ("Dayton", 77)


def test_locations_import_parents_first(hierarchy, approver, write_file):
    divisions = write_file("externalId,name,regionName\nDIV_NEW,New Division,Cincinnati\n")
    mcs = write_file("externalId,name,divisionExternalId\nMC_NEW,New Hills,DIV_NEW\n", "mc.csv")
    assert import_file_apply(kind="divisions", path=divisions, user=approver, approve=True).valid
    outcome = import_file_apply(kind="master-communities", path=mcs, user=approver, approve=True)
    assert outcome.valid
    assert outcome.counts["new"] == 1
    mc = hierarchy["division"].__class__.objects.get(external_id="DIV_NEW").master_communities.get()
    assert (mc.external_id, mc.review_state, mc.sync_version) == ("MC_NEW", ReviewState.APPROVED, 1)


def test_an_approvers_homeowner_edit_is_published_as_a_whole_set(hierarchy, approver, write_file):
    approved_home(approver, write_file)
    renamed = homes_file(write_file, row().replace("Ann,Smith", "Anne,Smith"))
    import_file_apply(kind="homes", path=renamed, user=approver, approve=True)
    home = Home.objects.get()
    # Builder Backed only takes an edited homeowner in a home PUT carrying the whole set.
    assert (home.review_state, home.sync_state, home.sync_homeowners_replace) == (
        ReviewState.APPROVED,
        SyncState.PENDING,
        True,
    )


def test_a_publish_finished_during_the_import_is_kept(hierarchy, editor, write_file, monkeypatch):
    import_file_apply(kind="homes", path=homes_file(write_file, row()), user=editor)
    spec = spec_get("homes")
    loaded = spec.existing_load

    def publish_meanwhile(keys):
        homes = loaded(keys)  # the import holds these copies while a worker publishes them
        Home.objects.update(remote_id=77, sync_state=SyncState.PUBLISHED)
        return homes

    monkeypatch.setattr(spec, "existing_load", publish_meanwhile)
    changed = homes_file(write_file, row().replace("Mason", "Dayton"))
    import_file_apply(kind="homes", path=changed, user=editor)
    assert Home.objects.values_list("city", "remote_id", "sync_state").get() == (
        "Dayton",
        77,
        SyncState.PUBLISHED,
    )


def test_sync_fields_are_read_once_per_chunk_not_once_per_row(hierarchy, approver, write_file):
    ids = [f"HOME_{n:03}" for n in range(1, 6)]
    rows = [row(i, email=f"{i}@example.com") for i in ids]
    import_file_apply(kind="homes", path=homes_file(write_file, *rows), user=approver, approve=True)
    moved = [r.replace("Mason", "Dayton") for r in rows]
    with CaptureQueriesContext(connection) as queries:
        import_file_apply(
            kind="homes", path=homes_file(write_file, *moved), user=approver, approve=True
        )
    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(locked) == 1
    assert set(Home.objects.values_list("city", "sync_version")) == {("Dayton", 2)}
