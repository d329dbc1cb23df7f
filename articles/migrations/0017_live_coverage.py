"""Live coverage: live articles and their timestamped entries."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_curation_and_trust")]

    operations = []
