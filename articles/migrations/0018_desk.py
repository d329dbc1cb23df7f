"""The desk: autosaves, review notes, notifications, unpublish-at, kicker and SEO headlines."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_live_coverage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Autosave",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("based_on", models.CharField(blank=True, max_length=40)),
                ("data", models.JSONField(default=dict)),
                ("saved_at", models.DateTimeField(auto_now=True, verbose_name="saved")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "autosave",
                "verbose_name_plural": "autosaves",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "user"), name="autosave_once_per_writer"
                    )
                ],
            },
        ),
    ]
