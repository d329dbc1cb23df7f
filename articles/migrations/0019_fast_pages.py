"""Indexes and stored values that keep the front page, lists and search fast when cold."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_desk")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "status", "publish_at", "id"],
                name="article_section_published",
            ),
        ),
    ]
