"""Log into the admin in real headless Chromium and see the index."""

import pytest
from django.contrib.auth import get_user_model


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_superuser_logs_in_and_sees_the_admin_index(page, admin_login):
    get_user_model().objects.create_superuser("ops", "ops@example.com", "pw")
    admin_login("ops")
    assert page.locator("#site-name").inner_text() == "BuilderOps"
    assert page.locator("h1").first.inner_text() == "Operations"
    assert page.get_by_role("button", name="Log out").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_refused(page, admin_login):
    get_user_model().objects.create_superuser("ops", "ops@example.com", "pw")
    admin_login("ops", "not-the-password")
    error = page.locator(".errornote").inner_text()
    assert "Please enter the correct username and password" in error
