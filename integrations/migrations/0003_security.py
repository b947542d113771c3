# Reserved for issue 11 (security) (filled in by that work; empty until then, so parallel work never forks
# the migration graph).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_resilience")]

    operations = []
