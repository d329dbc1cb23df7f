"""The desk: several people working on the same stories.

- ``diff``: a readable comparison of two versions (headline, summary, body text);
- ``presence``: who has an article open, kept in the cache (never the database);
- ``conflicts``: a save made from a form older than the article's last save is refused;
- ``revisions``: one save (the article's row and its byline) is one revision;
- ``admin``: the article admin's part of it (the presence poll, take over).
"""
