"""Blocks inside an article body: the photos each body shows (so the library knows where a
photo is used and refuses to delete it), and what we keep of each embedded address."""

import django.db.models.deletion
from django.db import migrations, models

import articles.embeds


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_remove_article_featured_image")]

    operations = [
        migrations.CreateModel(
            name="Embed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.URLField(max_length=500, unique=True, verbose_name="address")),
                ("provider", models.CharField(max_length=20, verbose_name="provider")),
                ("title", models.CharField(blank=True, max_length=300, verbose_name="title")),
                (
                    "author_name",
                    models.CharField(blank=True, max_length=200, verbose_name="author"),
                ),
                (
                    "thumbnail",
                    models.ImageField(
                        blank=True,
                        upload_to=articles.embeds.embed_thumbnail_name,
                        verbose_name="thumbnail",
                    ),
                ),
                ("thumbnail_width", models.PositiveIntegerField(blank=True, null=True)),
                ("thumbnail_height", models.PositiveIntegerField(blank=True, null=True)),
                ("fetched_at", models.DateTimeField(blank=True, null=True, verbose_name="fetched")),
            ],
            options={"verbose_name": "embed", "verbose_name_plural": "embeds"},
        ),
        migrations.CreateModel(
            name="BodyImage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="body_image_uses",
                        to="articles.article",
                    ),
                ),
                (
                    "image",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="body_uses",
                        to="articles.image",
                    ),
                ),
            ],
            options={
                "verbose_name": "photo in a body",
                "verbose_name_plural": "photos in bodies",
                "constraints": [
                    models.UniqueConstraint(fields=("article", "image"), name="body_image_once")
                ],
            },
        ),
    ]
