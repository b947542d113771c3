# Issue 11 (security): a stored password is bound to the host and username it was entered for;
# webhook event ids are kept for a retention window so each is accepted once.

import django.db.models.deletion
from django.db import migrations, models


def credentials_for_backfill(apps, schema_editor):
    """Bind each stored password to the connection's current base URL origin and username."""
    from integrations.portals.models.connection import credentials_binding

    PortalConnection = apps.get_model("integrations", "PortalConnection")
    for connection in PortalConnection.objects.exclude(password_encrypted=""):
        connection.credentials_for = credentials_binding(connection.base_url, connection.username)
        connection.save(update_fields=["credentials_for"])


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_resilience")]

    operations = [
        migrations.AddField(
            model_name="portalconnection",
            name="credentials_for",
            field=models.CharField(blank=True, editable=False, max_length=800),
        ),
        migrations.RunPython(credentials_for_backfill, migrations.RunPython.noop),
        migrations.CreateModel(
            name="WebhookEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("event_id", models.CharField(max_length=200, verbose_name="event ID")),
                ("event", models.CharField(max_length=100)),
                ("project_id", models.CharField(max_length=100, verbose_name="project ID")),
                (
                    "object_id",
                    models.CharField(blank=True, max_length=100, verbose_name="object ID"),
                ),
                ("received_at", models.DateTimeField(db_index=True)),
                (
                    "connection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhook_events",
                        to="integrations.portalconnection",
                    ),
                ),
            ],
            options={
                "ordering": ["-received_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("connection", "event_id"), name="integrations_webhookevent_once"
                    )
                ],
            },
        ),
    ]
