"""The featured image fields of articles, now that every lead photo is a library image
(0012_featured_images_into_library moved them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_featured_images_into_library")]

    operations = [
        migrations.RemoveField(
            model_name='article',
            name='featured_image',
        ),
        migrations.RemoveField(
            model_name='article',
            name='focal_x',
        ),
        migrations.RemoveField(
            model_name='article',
            name='focal_y',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_alt',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_caption',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_credit',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_height',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_width',
        ),
        migrations.RemoveField(
            model_name='article',
            name='renditions',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='featured_image',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='focal_x',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='focal_y',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='image_alt',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='image_caption',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='image_credit',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='image_height',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='image_width',
        ),
    ]
