"""Live coverage: live articles and their timestamped entries."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_curation_and_trust"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="live_comments_open",
            field=models.BooleanField(
                default=True,
                help_text="Untick to close comments while the live coverage runs, whatever is above.",
                verbose_name="comments while live",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="live_from",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="Makes this a live page of timestamped entries, marked LIVE from then on.",
                null=True,
                verbose_name="live coverage from",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="live_revision",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="live_until",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="When the coverage ends (marked “Ended” after). Empty: until an editor ends it.",
                null=True,
                verbose_name="live coverage until",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="live_comments_open",
            field=models.BooleanField(
                default=True,
                help_text="Untick to close comments while the live coverage runs, whatever is above.",
                verbose_name="comments while live",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="live_from",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="Makes this a live page of timestamped entries, marked LIVE from then on.",
                null=True,
                verbose_name="live coverage from",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="live_revision",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="live_until",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="When the coverage ends (marked “Ended” after). Empty: until an editor ends it.",
                null=True,
                verbose_name="live coverage until",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalLiveEntry",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "headline",
                    models.CharField(
                        blank=True,
                        help_text="Optional: a few words in bold.",
                        max_length=200,
                        verbose_name="headline",
                    ),
                ),
                ("body", models.TextField(blank=True, verbose_name="text")),
                (
                    "pinned",
                    models.BooleanField(
                        default=False,
                        help_text="Stays at the top of the live page.",
                        verbose_name="pinned",
                    ),
                ),
                (
                    "key_event",
                    models.BooleanField(
                        default=False,
                        help_text="Listed in the “Key events” summary.",
                        verbose_name="key event",
                    ),
                ),
                (
                    "correction",
                    models.BooleanField(
                        default=False,
                        help_text="Marks the entry as a correction to what was reported earlier.",
                        verbose_name="correction",
                    ),
                ),
                (
                    "posted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="posted"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The byline shown on the entry. Empty: the poster’s own byline.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="articles.author",
                        verbose_name="author",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="posted by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical live entry",
                "verbose_name_plural": "historical live entries",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="LiveEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "headline",
                    models.CharField(
                        blank=True,
                        help_text="Optional: a few words in bold.",
                        max_length=200,
                        verbose_name="headline",
                    ),
                ),
                ("body", models.TextField(blank=True, verbose_name="text")),
                (
                    "pinned",
                    models.BooleanField(
                        default=False,
                        help_text="Stays at the top of the live page.",
                        verbose_name="pinned",
                    ),
                ),
                (
                    "key_event",
                    models.BooleanField(
                        default=False,
                        help_text="Listed in the “Key events” summary.",
                        verbose_name="key event",
                    ),
                ),
                (
                    "correction",
                    models.BooleanField(
                        default=False,
                        help_text="Marks the entry as a correction to what was reported earlier.",
                        verbose_name="correction",
                    ),
                ),
                (
                    "posted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="posted"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "article",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="live_entries",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        help_text="The byline shown on the entry. Empty: the poster’s own byline.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="articles.author",
                        verbose_name="author",
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
                        verbose_name="posted by",
                    ),
                ),
            ],
            options={
                "verbose_name": "live entry",
                "verbose_name_plural": "live entries",
                "ordering": ["-posted_at", "-id"],
                "indexes": [
                    models.Index(fields=["article", "posted_at", "id"], name="live_entry_in_order"),
                    models.Index(fields=["article", "id"], name="live_entry_after"),
                ],
            },
        ),
    ]
