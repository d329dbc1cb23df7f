"""Template access to the renditions made at upload (articles/images.py): no query, no resizing."""

from django import template

from articles import images

register = template.Library()


@register.simple_tag
def picture_sources(image, crop="16:9"):
    """The srcsets and size of one crop of a library image, or None before renditions exist."""
    return images.picture(image, crop)


@register.simple_tag
def original_url(image):
    """The stored original's address, for an image whose renditions are not made yet."""
    return images.file_url(image, image.file.name)
