"""History pages speak the staff's words: field labels, choice labels, "—" for nothing."""

import pytest

from tests.factories import HomeFactory, user_in_role

pytestmark = pytest.mark.django_db


def test_a_homes_history_shows_labels_not_column_names(client):
    home = HomeFactory()
    home.city = "Lebanon"
    home.save()  # a change by nobody in particular (a script)
    client.force_login(user_in_role("Viewer"))
    html = client.get(f"/admin/homes/home/{home.pk}/history/").content.decode()
    table = html.split('id="change-history"')[1].split("</table>")[0]
    assert '<th scope="col">Review state</th>' in table
    assert "<td>Draft</td>" in table
    assert "review_state" not in table
    assert "None" not in table
    assert "<strong>City:</strong>" in table
