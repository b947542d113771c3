"""An approval approves exactly what the approver saw (issue 11, "Approve exactly what was
reviewed"): an edit between showing and confirming refuses the whole approval, names the record
that changed, shows it again, and leaves both people's history as it happened."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.test import Client

from builderops.core.admin import REVIEWED_VERSION_FIELD, SHOWN_VERSIONS_FIELD
from builderops.core.review import ReviewState
from homes.models import Home
from tests.core.approval import confirmation_versions, reviewed_version
from tests.core.test_roles import home_form_data
from tests.factories import HomeFactory, chain, user_in_role

pytestmark = pytest.mark.django_db
HOMES_URL = "/admin/homes/home/"


@pytest.fixture
def approver(client):
    user = user_in_role("Approver", username="approver")
    client.force_login(user)
    return user


@pytest.fixture
def editor():
    """A second browser, logged in as an editor."""
    user = user_in_role("Editor", username="editor")
    browser = Client()
    browser.force_login(user)
    browser.user = user
    return browser


def edit_city_and_job(editor, home) -> None:
    """Open `home`'s page in the editor's browser and save a new city and job id."""
    url = f"{HOMES_URL}{home.pk}/change/"
    data = home_form_data(home, None) | {
        "city": "Lebanon",
        "job_id": "JOB-EVIL",
        REVIEWED_VERSION_FIELD: reviewed_version(editor, url),
    }
    editor.post(url, data)
    assert Home.objects.get(pk=home.pk).job_id == "JOB-EVIL"


def history_of(home) -> list[tuple[str, str, str]]:
    """List (user, city, review state) of each history row, oldest first."""
    rows = home.history.order_by("history_date").select_related("history_user")
    return [
        (row.history_user.username if row.history_user else "", row.city, row.review_state)
        for row in rows
    ]


def test_a_bulk_approval_of_a_record_edited_after_the_confirmation_approves_nothing(
    client, approver, editor
):
    home = HomeFactory(neighborhood=chain(), city="Mason")
    other = HomeFactory(neighborhood=chain(), city="Mason")
    data = {"action": "approve_selected", ACTION_CHECKBOX_NAME: [home.pk, other.pk]}
    versions = confirmation_versions(client, HOMES_URL, data)

    edit_city_and_job(editor, home)  # while the approver reads the confirmation
    page = client.post(HOMES_URL, {**data, "post": "yes", SHOWN_VERSIONS_FIELD: versions})

    content = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was approved: this home was changed after you opened the confirmation" in (
        content
    )
    home.refresh_from_db()
    assert f"{home}</a>: changed by editor at " in content
    assert "Lebanon" in content  # shown again as it is now
    assert set(Home.objects.values_list("review_state", flat=True)) == {ReviewState.DRAFT}
    assert home.job_id == "JOB-EVIL"
    assert history_of(home) == [("", "Mason", "draft"), ("editor", "Lebanon", "draft")]
    assert not other.history.filter(history_user=approver).exists()

    # Confirming the page as it is now approves what it now shows.
    confirmed = client.post(
        HOMES_URL, {**data, "post": "yes", SHOWN_VERSIONS_FIELD: page.context["shown_versions"]}
    )
    assert confirmed.status_code == 302
    assert set(Home.objects.values_list("review_state", flat=True)) == {ReviewState.APPROVED}
    assert history_of(home)[-1] == ("approver", "Lebanon", "approved")


def test_save_and_approve_of_a_record_edited_after_its_page_opened_saves_nothing(
    client, approver, editor
):
    home = HomeFactory(neighborhood=chain(), city="Mason")
    url = f"{HOMES_URL}{home.pk}/change/"
    version = reviewed_version(client, url)

    edit_city_and_job(editor, home)
    data = home_form_data(home, None) | {
        "city": "Mason",
        "_approve": "Save and approve",
        REVIEWED_VERSION_FIELD: version,
    }
    response = client.post(url, data, follow=True)

    home.refresh_from_db()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        f"Nothing was saved or approved: “{home}” was changed by editor at "
        f"{messages[0].split(' at ')[1].split(' after')[0]} after you opened this page. This is "
        "the record as it is now: review it, then save or approve again."
    ]
    assert response.redirect_chain == [(url, 302)]
    assert 'value="Lebanon"' in response.content.decode()  # the page shows the record as it is
    assert (home.review_state, home.city, home.job_id) == (ReviewState.DRAFT, "Lebanon", "JOB-EVIL")
    assert history_of(home) == [("", "Mason", "draft"), ("editor", "Lebanon", "draft")]


def test_an_approvers_save_of_an_approved_record_edited_meanwhile_is_refused(client, approver):
    """An approver's save keeps a record approved under their name: it approves too."""
    home = HomeFactory(neighborhood=chain(), city="Mason", approved=True)
    url = f"{HOMES_URL}{home.pk}/change/"
    version = reviewed_version(client, url)
    colleague = Client()
    colleague.force_login(user_in_role("Approver", username="colleague"))
    edit_city_and_job(colleague, home)  # an approver's edit: the home stays approved

    data = home_form_data(home, None) | {"city": "Mason", REVIEWED_VERSION_FIELD: version}
    client.post(url, data)

    home.refresh_from_db()
    assert (home.review_state, home.city, home.approved_by.username) == (
        ReviewState.APPROVED,
        "Lebanon",
        "colleague",
    )


def test_an_unchanged_record_is_saved_and_approved(client, approver):
    home = HomeFactory(neighborhood=chain(), city="Mason")
    url = f"{HOMES_URL}{home.pk}/change/"
    data = home_form_data(home, None) | {
        "city": "Mason",
        "_approve": "Save and approve",
        REVIEWED_VERSION_FIELD: reviewed_version(client, url),
    }
    client.post(url, data)
    home.refresh_from_db()
    assert (home.review_state, home.approved_by) == (ReviewState.APPROVED, approver)
