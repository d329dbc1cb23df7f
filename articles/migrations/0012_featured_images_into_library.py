"""Every article's featured image becomes a library image, used as the article's lead photo.

Nothing is re-encoded and nothing moves: the library image takes the stored original and its
renditions' bookkeeping as they are (so every page keeps the same <picture> markup and the
same addresses), with the alt text, caption, credit, focal point and size the article had (titled by its alt
text).
Public or private stays right too: a photo was public exactly when its one article was
published, which is the library's rule for a photo used by one article.

Backwards, each article gets its lead photo's file and details back as its featured image.
"""

from django.db import migrations


def into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    articles = Article.objects.exclude(featured_image="").exclude(featured_image__isnull=True)
    for article in articles.order_by("pk").iterator(chunk_size=200):
        image = Image.objects.create(
            file=article.featured_image.name,
            # Titled by what it shows, never by the article: a draft's headline would be
            # read in the library by anyone who sees the photo once it is reused live.
            title=(article.image_alt or f"Photo {article.pk}")[:200],
            alt=article.image_alt,
            caption=article.image_caption,
            credit=article.image_credit,
            focal_x=article.focal_x,
            focal_y=article.focal_y,
            width=article.image_width,
            height=article.image_height,
            renditions=article.renditions or {},
            uploaded_by_id=article.created_by_id,
            uploaded_at=article.created_at,
        )
        Article.objects.filter(pk=article.pk).update(lead_image=image)


def out_of_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.exclude(lead_image=None).select_related("lead_image")
    for article in articles.order_by("pk").iterator(chunk_size=200):
        image = article.lead_image
        Article.objects.filter(pk=article.pk).update(
            featured_image=image.file.name,
            image_alt=image.alt,
            image_caption=image.caption,
            image_credit=image.credit,
            focal_x=image.focal_x,
            focal_y=image.focal_y,
            image_width=image.width,
            image_height=image.height,
            renditions=image.renditions,
            lead_image=None,
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_image_library")]

    operations = [migrations.RunPython(into_library, out_of_library)]
