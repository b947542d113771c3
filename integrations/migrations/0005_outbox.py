# Issue 13 (portal outbox): the PortalWrite model and its history.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0004_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalPortalWrite",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, db_index=True, editable=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("change_order", "Change order"),
                            ("selection", "Selection group"),
                            ("purchase_order", "Purchase order"),
                            ("schedule_task", "Schedule task edit"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=300)),
                (
                    "target_id",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="portal ID of the edited record"
                    ),
                ),
                ("body", models.JSONField(default=dict, verbose_name="body as drafted")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("awaiting_approval", "Awaiting approval"),
                            ("sending", "Sending"),
                            ("retrying", "Retrying"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("discarded", "Discarded"),
                        ],
                        db_index=True,
                        default="draft",
                        max_length=20,
                    ),
                ),
                (
                    "idempotency_key",
                    models.CharField(blank=True, db_index=True, max_length=64, null=True),
                ),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="send attempts")),
                ("next_attempt_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "remote_id",
                    models.CharField(blank=True, max_length=100, verbose_name="portal ID"),
                ),
                (
                    "remote_number",
                    models.CharField(blank=True, max_length=50, verbose_name="portal number"),
                ),
                ("error", models.TextField(blank=True)),
                ("error_field", models.CharField(blank=True, max_length=200)),
                ("totals_mismatch", models.BooleanField(default=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "change_order",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="integrations.changeorder",
                    ),
                ),
                (
                    "connection",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="integrations.portalconnection",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="integrations.project",
                    ),
                ),
                (
                    "purchase_order",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="integrations.purchaseorder",
                    ),
                ),
                (
                    "selection",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="integrations.selection",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical portal write",
                "verbose_name_plural": "historical portal outbox",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PortalWrite",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("change_order", "Change order"),
                            ("selection", "Selection group"),
                            ("purchase_order", "Purchase order"),
                            ("schedule_task", "Schedule task edit"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=300)),
                (
                    "target_id",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="portal ID of the edited record"
                    ),
                ),
                ("body", models.JSONField(default=dict, verbose_name="body as drafted")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("awaiting_approval", "Awaiting approval"),
                            ("sending", "Sending"),
                            ("retrying", "Retrying"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("discarded", "Discarded"),
                        ],
                        db_index=True,
                        default="draft",
                        max_length=20,
                    ),
                ),
                (
                    "idempotency_key",
                    models.CharField(blank=True, max_length=64, null=True, unique=True),
                ),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="send attempts")),
                ("next_attempt_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                ("claimed_until", models.DateTimeField(blank=True, editable=False, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "remote_id",
                    models.CharField(blank=True, max_length=100, verbose_name="portal ID"),
                ),
                (
                    "remote_number",
                    models.CharField(blank=True, max_length=50, verbose_name="portal number"),
                ),
                ("error", models.TextField(blank=True)),
                ("error_field", models.CharField(blank=True, max_length=200)),
                ("totals_mismatch", models.BooleanField(default=False)),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "change_order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="integrations.changeorder",
                    ),
                ),
                (
                    "connection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="integrations.portalconnection",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="portal_writes",
                        to="integrations.project",
                    ),
                ),
                (
                    "purchase_order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="integrations.purchaseorder",
                    ),
                ),
                (
                    "selection",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="integrations.selection",
                    ),
                ),
            ],
            options={
                "verbose_name": "portal write",
                "verbose_name_plural": "portal outbox",
                "ordering": ["-created_at"],
                "permissions": [("send_portalwrite", "Can send to portal")],
                "indexes": [
                    models.Index(fields=["state", "next_attempt_at"], name="portalwrite_due")
                ],
            },
        ),
    ]
