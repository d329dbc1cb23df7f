"""The benchmarks: tools for measuring the site, never part of it (nothing here ships).

- dataset: 100,000 articles and 1,000,000 comments on PostgreSQL, written with COPY
  (`python -m tests.bench.dataset`, run by the page benchmark for each dataset).
- pages: which URL stands for each page type, and what each costs in SQL.
- load: wrk runs, the report table, and `make bench` (`python -m tests.bench.load`).
- working: the newsroom at work, readers (readers.lua) on a Zipf mix of pages while the desk
  publishes, edits, approves comments and saves drafts (`make bench`, `--only working`).
- search: generated articles and a fixed mix of queries (`make bench-search`,
  `python -m tests.bench.search`).
- wordpress: generated WordPress exports and the import's peak memory
  (`make bench-wordpress`, `python -m tests.bench.wordpress`).
- media_save: time to save an article with a 12-megapixel photo, uploads on the local disk
  and on a local S3 API (`python -m tests.bench.media_save`, README "Uploads on
  S3-compatible storage").
- guard: the check every script that writes data makes first.

Run as scripts, they use the project's own settings (newsroom.settings); under pytest,
Django is already set up with the test settings.
"""

import os

import django
from django.apps import apps

if not apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()

# Every load asks as browsers do: pages come compressed to them (newsroom/cache/middleware.py).
ACCEPT_GZIP = "Accept-Encoding: gzip, deflate, br"
