# Issue 10 (resilience): the durable copy of each circuit breaker (integrations/breaker/models.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_portals")]

    operations = [
        migrations.CreateModel(
            name="BreakerRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        help_text="the breaker's cache key", max_length=200, unique=True
                    ),
                ),
                (
                    "label",
                    models.CharField(help_text="the remote, as staff know it", max_length=200),
                ),
                ("reason", models.CharField(help_text="credentials or access", max_length=20)),
                ("message", models.TextField(blank=True, help_text="the remote's own words")),
                (
                    "hint",
                    models.CharField(
                        blank=True, help_text="what staff should check", max_length=300
                    ),
                ),
                (
                    "activity",
                    models.CharField(
                        help_text="what is paused: publishing, pulling", max_length=40
                    ),
                ),
                ("opened_at", models.DateTimeField()),
                ("probed_at", models.DateTimeField(blank=True, null=True)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "circuit breaker", "ordering": ["-opened_at"]},
        ),
    ]
