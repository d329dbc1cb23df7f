"""Template access to the renditions made at upload (articles/images.py): no query, no resizing."""

from django import template

from articles import images

register = template.Library()


@register.simple_tag
def picture_sources(article, crop="16:9"):
    """The srcsets and size of one crop of the article's image, or None before renditions exist."""
    return images.picture(article, crop)


@register.simple_tag
def original_url(article):
    """The stored original's address, for an image whose renditions are not made yet."""
    return images.file_url(article, article.featured_image.name)
