"""Curation and trust: front-page slots, corrections, type-of-work labels, breaking news, preview links."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_wordpress_import")]

    operations = []
