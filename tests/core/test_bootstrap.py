"""The run command's bootstrap is idempotent: one superuser, one password, kept in var/."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_bootstrap_twice_keeps_one_admin_and_its_password(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("bootstrap", "--no-demo")
    first = capsys.readouterr().out
    password = (tmp_path / "admin-password.txt").read_text().strip()
    assert f"admin login ready: admin / {password}" in first
    assert "http://" not in first  # the address is printed once, when the site answers

    call_command("bootstrap", "--no-demo")
    second = capsys.readouterr().out
    assert f"admin login ready: admin / {password}" in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert get_user_model().objects.get(username="admin").check_password(password)
