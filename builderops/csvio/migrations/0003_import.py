# Issue 12 (CSV import): what the preview shows besides errors — the field each header fills,
# notices, normalised cells.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("csvio", "0002_security")]

    operations = [
        # The old `warnings` (ignored columns) become notices; ignored columns are in `columns`.
        migrations.RenameField("importjob", "warnings", "notices"),
        migrations.AddField("importjob", "columns", models.JSONField(blank=True, default=list)),
        migrations.AddField("importjob", "notice_count", models.PositiveIntegerField(default=0)),
        migrations.AddField("importjob", "normalised", models.JSONField(blank=True, default=list)),
        migrations.AddField(
            "importjob", "normalised_count", models.PositiveIntegerField(default=0)
        ),
    ]
