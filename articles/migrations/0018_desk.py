"""The desk: autosaves, review notes, notifications, unpublish-at, kicker and SEO headlines."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_live_coverage")]

    operations = []
