"""Rich-text storage that is clean on every path.

django-prose-editor sanitises in the form field's ``clean()``; that misses
``Article.objects.create()``, importers, fixtures and the shell. ``pre_save``
runs on every save (and on ``bulk_create``), so the stored HTML is always the
sanitised version of whatever came in: what the body editor can make, the blocks of
articles/body_blocks.py, and nothing else.
"""

from django_prose_editor.fields import ProseEditorField

from .body_blocks import EDITOR_EXTENSIONS, sanitise

BODY_EXTENSIONS = {**EDITOR_EXTENSIONS, "NewsBlocks": True}

clean_html = sanitise
"""The one HTML sanitiser."""


class SanitizedHTMLField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", BODY_EXTENSIONS)
        kwargs.setdefault("sanitize", clean_html)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = self.sanitize(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value
