"""What an import from WordPress remembers: each imported object's WordPress ID."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_body_blocks")]

    operations = []
