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
        migrations.CreateModel(
            name="ReviewNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(max_length=2000, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="written")),
                ("is_open", models.BooleanField(default=True, verbose_name="open")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_notes",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="written by",
                    ),
                ),
            ],
            options={
                "verbose_name": "review note",
                "verbose_name_plural": "review notes",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="StaffLanguage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(max_length=10, verbose_name="language")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="desk_language",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "staff language",
                "verbose_name_plural": "staff languages",
            },
        ),
        migrations.AddField(
            model_name="article",
            name="unpublish_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "Optional: when the article comes off the site (page, lists, search, "
                    "feeds), by itself. Empty: it stays."
                ),
                null=True,
                verbose_name="unpublish at",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="unpublish_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "Optional: when the article comes off the site (page, lists, search, "
                    "feeds), by itself. Empty: it stays."
                ),
                null=True,
                verbose_name="unpublish at",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["id", "status", "publish_at", "unpublish_at"],
                name="article_id_published_until",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="kicker",
            field=models.CharField(
                blank=True,
                help_text="A few words over the headline, e.g. ANALYSIS or Election 2026. Optional.",
                max_length=60,
                verbose_name="kicker",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="seo_description",
            field=models.CharField(
                blank=True,
                help_text="The summary search engines show, if it should differ. Up to 160 letters.",
                max_length=160,
                verbose_name="search description",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="seo_title",
            field=models.CharField(
                blank=True,
                help_text="The headline search engines show, if it should differ. Up to 70 letters.",
                max_length=70,
                verbose_name="search headline",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="social_description",
            field=models.CharField(
                blank=True,
                help_text="The summary on social media cards, if it should differ.",
                max_length=200,
                verbose_name="social description",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="social_title",
            field=models.CharField(
                blank=True,
                help_text="The headline on social media cards, if it should differ.",
                max_length=100,
                verbose_name="social headline",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="kicker",
            field=models.CharField(
                blank=True,
                help_text="A few words over the headline, e.g. ANALYSIS or Election 2026. Optional.",
                max_length=60,
                verbose_name="kicker",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="seo_description",
            field=models.CharField(
                blank=True,
                help_text="The summary search engines show, if it should differ. Up to 160 letters.",
                max_length=160,
                verbose_name="search description",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="seo_title",
            field=models.CharField(
                blank=True,
                help_text="The headline search engines show, if it should differ. Up to 70 letters.",
                max_length=70,
                verbose_name="search headline",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="social_description",
            field=models.CharField(
                blank=True,
                help_text="The summary on social media cards, if it should differ.",
                max_length=200,
                verbose_name="social description",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="social_title",
            field=models.CharField(
                blank=True,
                help_text="The headline on social media cards, if it should differ.",
                max_length=100,
                verbose_name="social headline",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "publish_at", "unpublish_at"],
                name="article_published_until",
            ),
        ),
    ]
