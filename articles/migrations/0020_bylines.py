"""Bylines in the order the desk sets: the plain many-to-many's table becomes the Byline
model (same table, same rows) with a position, first given by name, as bylines read until
now; its history table is renamed to match and keeps every earlier byline."""

import django.db.models.deletion
from django.db import migrations, models


def number_by_name(apps, schema_editor):
    Byline = apps.get_model("articles", "Byline")
    rows = Byline.objects.using(schema_editor.connection.alias).order_by(
        "article_id", "author__name", "id"
    )
    changed, article, position = [], None, 0
    for byline in rows.only("id", "article_id", "position").iterator(chunk_size=2000):
        position = position + 1 if byline.article_id == article else 0
        article = byline.article_id
        if byline.position != position:
            byline.position = position
            changed.append(byline)
        if len(changed) >= 1000:
            Byline.objects.bulk_update(changed, ["position"])
            changed = []
    Byline.objects.bulk_update(changed, ["position"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_fast_pages"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Byline",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="bylines",
                                to="articles.article",
                            ),
                        ),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="bylines",
                                to="articles.author",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "byline",
                        "verbose_name_plural": "bylines",
                        "db_table": "articles_article_authors",
                        "ordering": ["position", "author_id"],
                        "unique_together": {("article", "author")},
                    },
                ),
                migrations.AlterField(
                    model_name="article",
                    name="authors",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text=(
                            "The byline shows them in this order. To move a name, drag it, or "
                            "select it and press the arrow keys."
                        ),
                        related_name="articles",
                        through="articles.Byline",
                        to="articles.author",
                        verbose_name="authors",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="byline",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="position"),
        ),
        migrations.RunPython(number_by_name, migrations.RunPython.noop, elidable=True),
        migrations.RenameModel(old_name="HistoricalArticle_authors", new_name="HistoricalByline"),
        migrations.AlterModelOptions(
            name="historicalbyline", options={"verbose_name": "HistoricalByline"}
        ),
        migrations.AddField(
            model_name="historicalbyline",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="position"),
        ),
        # (The history's links as the model now declares them: no tablespace of their own.)
        migrations.AlterField(
            model_name="historicalbyline",
            name="article",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="articles.article",
            ),
        ),
        migrations.AlterField(
            model_name="historicalbyline",
            name="author",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="articles.author",
            ),
        ),
    ]
