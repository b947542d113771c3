"""Portal connections keep their secrets encrypted; mirrors are unique per connection."""

import pytest
from cryptography.fernet import Fernet
from django.db import IntegrityError, connection

from integrations.portals.crypto import SecretUnreadable, secret_decrypt, secret_rotate
from integrations.portals.models.connection import PortalConnection
from integrations.portals.models.mirrors import Project
from tests.integrations.portals.factories import (
    PORTAL_PASSWORD,
    PortalConnectionFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def raw_row(connection_id: int) -> tuple:
    """Read a connection's row with raw SQL, bypassing the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_portalconnection WHERE id = %s", [connection_id])
        return cursor.fetchone()


def test_password_and_mfa_secret_are_stored_as_ciphertext_only():
    portal = PortalConnectionFactory()
    portal.set_mfa_secret("JBSWY3DPEHPK3PXP")
    portal.save()
    row = " ".join(str(value) for value in raw_row(portal.pk))
    assert PORTAL_PASSWORD not in row
    assert "JBSWY3DPEHPK3PXP" not in row
    stored = PortalConnection.objects.get(pk=portal.pk)
    assert secret_decrypt(stored.password_encrypted) == PORTAL_PASSWORD
    assert secret_decrypt(stored.mfa_secret_encrypted) == "JBSWY3DPEHPK3PXP"


def test_each_connection_gets_its_own_encrypted_webhook_secret():
    first, second = PortalConnectionFactory(), PortalConnectionFactory()
    assert len(first.webhook_secret()) >= 32
    assert first.webhook_secret() != second.webhook_secret()
    assert first.webhook_secret() not in " ".join(str(v) for v in raw_row(first.pk))


def test_text_forms_never_show_a_secret():
    portal = PortalConnectionFactory(name="Main BT")
    assert str(portal) == "Main BT"
    assert PORTAL_PASSWORD not in repr(portal)


def test_rotating_keys_keeps_old_ciphertext_readable(settings):
    portal = PortalConnectionFactory()
    old_token = portal.password_encrypted
    new_key = Fernet.generate_key().decode()
    settings.PORTAL_ENCRYPTION_KEYS = [new_key, *settings.PORTAL_ENCRYPTION_KEYS]
    assert secret_decrypt(old_token) == PORTAL_PASSWORD
    rotated = secret_rotate(old_token)
    settings.PORTAL_ENCRYPTION_KEYS = [new_key]
    assert secret_decrypt(rotated) == PORTAL_PASSWORD
    with pytest.raises(SecretUnreadable) as caught:
        secret_decrypt(old_token)
    assert PORTAL_PASSWORD not in str(caught.value)


def test_a_remote_id_is_mirrored_once_per_connection():
    project = ProjectFactory(remote_id="100001")
    ProjectFactory(remote_id="100001")  # another connection: fine
    with pytest.raises(IntegrityError):
        Project.objects.create(connection=project.connection, remote_id="100001", name="dup")
