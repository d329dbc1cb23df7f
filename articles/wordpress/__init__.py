"""Moving a WordPress site in: ``manage.py import_wordpress EXPORT.xml``.

- ``wxr``: the export read as a stream, safely (no entity expansion, no external entities);
- ``body``: post bodies (block and classic markup, shortcodes) into our body and its blocks;
- ``media``: attachments into the photo library, from a copy of the uploads or over HTTP;
- ``addresses``: the old addresses, kept working through permanent redirects;
- ``importer``: what maps to what, one transaction per post, and the report;
- ``mapping``: the WordPress ID of everything imported, so a second run changes nothing.

Other apps import their part of a post (comments) through ``articles.extensions``.
"""
