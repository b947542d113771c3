# Reserved for issue 13 (portal outbox) (filled in by that work; empty until then, so parallel work never forks
# the migration graph).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("integrations", "0004_links")]

    operations = []
