# Issue 10, item 6: Builder Backed shows the record deactivated although ours is active; it is
# held (never silently re-activated) until staff choose "Re-publish as active".

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("locations", "0004_security")]

    operations = [
        migrations.AddField(
            model_name="division",
            name="sync_remote_inactive_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaldivision",
            name="sync_remote_inactive_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="mastercommunity",
            name="sync_remote_inactive_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalmastercommunity",
            name="sync_remote_inactive_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="neighborhood",
            name="sync_remote_inactive_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalneighborhood",
            name="sync_remote_inactive_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
