"""Curation and trust: front-page slots, corrections, type-of-work labels, breaking news,
preview links."""

import django.db.models.deletion
import django.db.models.functions
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils.html import strip_tags

import articles.breaking
import articles.embargo

# As in articles/labels.py and articles/models.py when this migration was written.
DEFAULT_LABELS = [
    ("News", "news", "NewsArticle", False, ""),
    ("Analysis", "analysis", "AnalysisNewsArticle", False, ""),
    (
        "Opinion",
        "opinion",
        "OpinionNewsArticle",
        True,
        "This is an opinion piece. The views expressed are the author’s own.",
    ),
    ("Explainer", "explainer", "BackgroundNewsArticle", False, ""),
    ("Review", "review", "ReviewNewsArticle", False, ""),
    (
        "Sponsored",
        "sponsored",
        "AdvertiserContentArticle",
        True,
        "Paid content, produced for an advertiser. Our newsroom was not involved.",
    ),
]
WORDS_PER_MINUTE = 230


def create_labels(apps, schema_editor):
    Label = apps.get_model("articles", "Label")
    for order, (name, slug, schema_type, prominent, note) in enumerate(DEFAULT_LABELS):
        Label.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "schema_type": schema_type,
                "prominent": prominent,
                "note": note,
                "order": order,
            },
        )


def delete_labels(apps, schema_editor):
    Label = apps.get_model("articles", "Label")
    Label.objects.filter(slug__in=[row[1] for row in DEFAULT_LABELS], articles=None).delete()


def compute_reading_times(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.values_list("pk", "body").order_by("pk").iterator(chunk_size=500)
    for pk, body in rows:
        words = len(strip_tags(body or "").split())
        minutes = max(1, -(-words // WORDS_PER_MINUTE))
        if minutes != 1:
            Article.objects.filter(pk=pk).update(reading_time=minutes)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_wordpress_import"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Type-of-work labels, dateline, reading time.
        migrations.CreateModel(
            name="Label",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=40, unique=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=40, unique=True, verbose_name="slug")),
                (
                    "schema_type",
                    models.CharField(
                        choices=[
                            ("NewsArticle", "News (NewsArticle)"),
                            ("AnalysisNewsArticle", "Analysis (AnalysisNewsArticle)"),
                            ("OpinionNewsArticle", "Opinion (OpinionNewsArticle)"),
                            (
                                "BackgroundNewsArticle",
                                "Explainer, background (BackgroundNewsArticle)",
                            ),
                            ("ReviewNewsArticle", "Review (ReviewNewsArticle)"),
                            ("ReportageNewsArticle", "Reportage (ReportageNewsArticle)"),
                            ("AskPublicNewsArticle", "Question to readers (AskPublicNewsArticle)"),
                            ("AdvertiserContentArticle", "Paid content (AdvertiserContentArticle)"),
                        ],
                        default="NewsArticle",
                        help_text=(
                            "What search engines are told the story is. Paid content also "
                            "marks the story's outbound links as sponsored and keeps it out of "
                            "the Google News sitemap."
                        ),
                        max_length=40,
                        verbose_name="kind of work",
                    ),
                ),
                (
                    "prominent",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "Show the label boxed, so readers cannot miss it (opinion, paid "
                            "content), with the note below at the top of the story."
                        ),
                        verbose_name="prominent",
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "One sentence at the top of every story with this label, e.g. "
                            "“The views expressed are the author’s own.”"
                        ),
                        max_length=300,
                        verbose_name="note for readers",
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower numbers come first in the article form.",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "label",
                "verbose_name_plural": "labels",
                "ordering": ["order", "name"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="dateline",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Where the story was reported from, e.g. BENGHAZI. Shown as “BENGHAZI —”."
                ),
                max_length=60,
                verbose_name="dateline",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="reading_time",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="reading time (minutes)"
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="dateline",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Where the story was reported from, e.g. BENGHAZI. Shown as “BENGHAZI —”."
                ),
                max_length=60,
                verbose_name="dateline",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="reading_time",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="reading time (minutes)"
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="label",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The kind of work, shown to readers on cards and at the top of the story. "
                    "Empty: plain news, no label."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="articles.label",
                verbose_name="label",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="label",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=(
                    "The kind of work, shown to readers on cards and at the top of the story. "
                    "Empty: plain news, no label."
                ),
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="articles.label",
                verbose_name="label",
            ),
        ),
        migrations.RunPython(create_labels, delete_labels),
        migrations.RunPython(compute_reading_times, migrations.RunPython.noop),
        # Corrections and updates.
        migrations.CreateModel(
            name="Notice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("correction", "Correction"),
                            ("clarification", "Clarification"),
                            ("update", "Update"),
                            ("editors-note", "Editor’s note"),
                        ],
                        default="correction",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        help_text=(
                            "Plain text, e.g. “An earlier version of this story misstated the "
                            "date of the meeting. It was on Tuesday.”"
                        ),
                        max_length=2000,
                        verbose_name="text",
                    ),
                ),
                (
                    "noted_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="date"),
                ),
                (
                    "position",
                    models.CharField(
                        choices=[("top", "Top of the story"), ("bottom", "Bottom of the story")],
                        default="top",
                        max_length=10,
                        verbose_name="shown at",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
            ],
            options={
                "verbose_name": "correction or update",
                "verbose_name_plural": "corrections and updates",
                "ordering": ["-noted_at", "-id"],
                "indexes": [models.Index(fields=["noted_at", "id"], name="notice_newest")],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="notice_count",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="corrections and updates"
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="notice_count",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="corrections and updates"
            ),
        ),
        # The breaking-news banner.
        migrations.CreateModel(
            name="BreakingNews",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "text",
                    models.CharField(
                        help_text="One short line, e.g. “Polls close in Libya”.",
                        max_length=160,
                        verbose_name="text",
                    ),
                ),
                (
                    "link",
                    models.CharField(
                        blank=True,
                        help_text="Where the banner leads: a story's address on this site, or https://…",
                        max_length=500,
                        validators=[articles.breaking.validate_link],
                        verbose_name="link",
                    ),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        help_text="The banner disappears from every page at this time, by itself.",
                        verbose_name="shown until",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="saved")),
            ],
            options={
                "verbose_name": "breaking-news banner",
                "verbose_name_plural": "breaking-news banners",
                "ordering": ["-updated_at"],
            },
        ),
        # Front-page and section curation.
        migrations.CreateModel(
            name="Front",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "section",
                    models.OneToOneField(
                        blank=True,
                        help_text="Empty: the home page.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="front",
                        to="articles.section",
                        verbose_name="section",
                    ),
                ),
            ],
            options={
                "verbose_name": "front page",
                "verbose_name_plural": "front pages",
            },
        ),
        migrations.CreateModel(
            name="Slot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="The first is the lead story.", verbose_name="position"
                    ),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        blank=True,
                        help_text=(
                            "Empty: until you change it. Afterwards the latest story takes its "
                            "place."
                        ),
                        null=True,
                        verbose_name="until",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slots",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "front",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slots",
                        to="articles.front",
                        verbose_name="front page",
                    ),
                ),
            ],
            options={
                "verbose_name": "slot",
                "verbose_name_plural": "slots",
                "ordering": ["position", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="front",
            constraint=models.UniqueConstraint(
                django.db.models.functions.Coalesce("section", 0),
                name="one_front_per_page",
                violation_error_message="This page has its front already: change that one.",
            ),
        ),
        # Embargoed previews for named outsiders.
        migrations.CreateModel(
            name="PreviewLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "recipient",
                    models.CharField(
                        help_text="Who the link is for, e.g. “Jane Roe, counsel for the Herald”.",
                        max_length=200,
                        verbose_name="for",
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=articles.embargo.new_token,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        default=articles.embargo.default_expiry,
                        help_text="The link stops working at this time.",
                        verbose_name="valid until",
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="withdrawn"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="preview_links",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
            ],
            options={
                "verbose_name": "preview link",
                "verbose_name_plural": "preview links for outsiders",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="PreviewView",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "viewed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="opened"),
                ),
                (
                    "link",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="views",
                        to="articles.previewlink",
                        verbose_name="link",
                    ),
                ),
            ],
            options={
                "verbose_name": "preview opened",
                "verbose_name_plural": "previews opened",
                "ordering": ["-viewed_at", "-id"],
            },
        ),
    ]
