"""What an import from WordPress remembers: each imported object's WordPress ID."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_body_blocks"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="WordPressObject",
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
                            ("author", "Author"),
                            ("category", "Category"),
                            ("tag", "Tag"),
                            ("post", "Post"),
                            ("page", "Page"),
                            ("attachment", "Attachment"),
                            ("media", "Media file"),
                            ("comment", "Comment"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("wp_id", models.CharField(max_length=200, verbose_name="WordPress ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("digest", models.CharField(blank=True, max_length=64, verbose_name="digest")),
                ("imported_at", models.DateTimeField(auto_now=True, verbose_name="imported")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "verbose_name": "WordPress object",
                "verbose_name_plural": "WordPress objects",
                "indexes": [
                    models.Index(
                        fields=["content_type", "object_id"], name="wordpress_object_target"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "wp_id"), name="wordpress_object_once"
                    )
                ],
            },
        ),
    ]
