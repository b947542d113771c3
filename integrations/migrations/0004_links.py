# Issue 15 (project-home links): link state and evidence on projects, rejected pairs, and the
# type a home created from a connection's job starts with.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_state_backfill(apps, schema_editor):
    """Mark existing links "linked" (the next pull or `portal_links --recheck` weighs them);
    links staff picked before this change are their confirmation."""
    Project = apps.get_model("integrations", "Project")
    Project.objects.filter(home__isnull=False).update(link_state="linked")
    Project.objects.filter(home__isnull=False, link_method="manual").update(link_state="confirmed")


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0003_security"),
        ("locations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="project",
            name="link_method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("auto_job", "Automatic (job number)"),
                    ("auto_address", "Automatic (address)"),
                    ("manual", "Picked by staff"),
                    ("created", "Home created from the job"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="link_state",
            field=models.CharField(
                choices=[
                    ("unlinked", "Unlinked"),
                    ("linked", "Linked (agrees)"),
                    ("review", "To review"),
                    ("conflict", "Conflict"),
                    ("confirmed", "Confirmed by staff"),
                ],
                db_index=True,
                default="unlinked",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="link_differences",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="project",
            name="link_disagreements",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="project",
            name="link_confirmed_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="link_confirmed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="portalconnection",
            name="home_type_default",
            field=models.CharField(
                choices=[("Single Family", "Single Family"), ("Multi Family", "Multi Family")],
                default="Single Family",
                help_text=(
                    "The type a draft home created from one of this portal's jobs starts with."
                ),
                max_length=20,
                verbose_name="type of homes created from jobs",
            ),
        ),
        migrations.CreateModel(
            name="LinkRejection",
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
                    "home",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="homes.home",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="link_rejections",
                        to="integrations.project",
                    ),
                ),
                (
                    "rejected_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("project", "home"), name="link_rejection_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="HomesFromJobsRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("project_ids", models.JSONField(default=list)),
                ("email_fixes", models.JSONField(blank=True, default=dict)),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done")],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("done", models.PositiveIntegerField(default=0)),
                ("created", models.JSONField(blank=True, default=list)),
                ("failed", models.JSONField(blank=True, default=list)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "neighborhood",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="locations.neighborhood",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.RunPython(link_state_backfill, migrations.RunPython.noop),
    ]
