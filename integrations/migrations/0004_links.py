# Reserved for issue 15 (project-home links) (filled in by that work; empty until then, so parallel work never forks
# the migration graph).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("integrations", "0003_security")]

    operations = []
