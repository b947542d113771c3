# Reserved for issue 10 (resilience) (filled in by that work; empty until then, so parallel work never forks
# the migration graph).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("locations", "0004_security")]

    operations = []
