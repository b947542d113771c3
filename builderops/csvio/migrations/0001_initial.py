"""ImportJob moves from the old `builderops` app to `csvio`, keeping every row.

A database made before the move has the table `builderops_importjob` (and its content type and
permissions under `builderops`): they are renamed. A new database gets the table created.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import builderops.csvio.models

OLD_TABLE = "builderops_importjob"


def adopt_or_create(apps, schema_editor):
    """Rename the pre-move table (and its content type) if it exists, else create the table."""
    ImportJob = apps.get_model("csvio", "ImportJob")
    if OLD_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.alter_db_table(ImportJob, OLD_TABLE, ImportJob._meta.db_table)
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label="csvio", model="importjob").exists():
            ContentType.objects.filter(app_label="builderops", model="importjob").update(
                app_label="csvio"
            )
    else:
        schema_editor.create_model(ImportJob)


def drop_or_restore(apps, schema_editor):
    """Undo `adopt_or_create`: give the table back its old name."""
    ImportJob = apps.get_model("csvio", "ImportJob")
    schema_editor.alter_db_table(ImportJob, ImportJob._meta.db_table, OLD_TABLE)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=32)),
                        ('file', models.FileField(max_length=300, upload_to=builderops.csvio.models.import_upload_to)),
                        ('original_name', models.CharField(max_length=255)),
                        ('size', models.BigIntegerField()),
                        ('approve', models.BooleanField(default=False)),
                        ('is_async', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('uploaded', 'Uploaded'), ('previewing', 'Previewing'), ('previewed', 'Previewed'), ('applying', 'Applying'), ('applied', 'Applied'), ('failed', 'Failed')], default='uploaded', max_length=16)),
                        ('counts', models.JSONField(blank=True, default=dict)),
                        ('samples', models.JSONField(blank=True, default=dict)),
                        ('errors', models.JSONField(blank=True, default=list)),
                        ('error_count', models.PositiveIntegerField(default=0)),
                        ('warnings', models.JSONField(blank=True, default=list)),
                        ('errors_file', models.FileField(blank=True, max_length=300, upload_to=builderops.csvio.models.errors_upload_to)),
                        ('failure', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('applied_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_or_create, drop_or_restore),
    ]
