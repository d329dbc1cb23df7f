"""Blocks inside an article body: the photos, galleries and embeds each body uses."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_remove_article_featured_image")]

    operations = []
