"""Rich-text storage that is clean on every path.

django-prose-editor sanitises in the form field's ``clean()``; that misses
``Article.objects.create()``, importers, fixtures and the shell. ``pre_save``
runs on every save (and on ``bulk_create``), so the stored HTML is always the
sanitised version of whatever came in.
"""

from django_prose_editor.fields import ProseEditorField, create_sanitizer

BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
}


clean_html = create_sanitizer(BODY_EXTENSIONS)
"""The one HTML sanitiser: what the body editor can make, and nothing else."""


class SanitizedHTMLField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", BODY_EXTENSIONS)
        kwargs.setdefault("sanitize", clean_html)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = self.sanitize(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value
