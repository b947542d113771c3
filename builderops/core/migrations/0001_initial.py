# Reserved for the core app's first models (issue 14's alerts, issue 11's login audit…); empty
# until then, so parallel work never forks the migration graph.

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = []
