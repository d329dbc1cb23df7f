"""Save articles through the ORM, one transaction each, and say which ones were committed.

Run as `python -m tests.fault_writer PREFIX --ready-file F --seconds S` with the app's
environment; it creates F once Django is set up and its first queries are done. Each write
creates a draft article, links an author and a tag, all in one transaction, then prints
`ok <name>`; a write that raises prints `failed <name> <error>`. Between writes it does
what Django does between requests (`close_old_connections()`, which with CONN_HEALTH_CHECKS
drops a dead connection), so it survives a database restart the way the app does.
"""

import argparse
import os
import sys
import time
from pathlib import Path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-writes", type=int, default=500)
    parser.add_argument("--pause", type=float, default=0.02)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.db import DatabaseError, close_old_connections, transaction

    from articles.models import Article, Author, Section

    section = Section.objects.order_by("pk").first()
    author = Author.objects.order_by("pk").first()
    Path(options.ready_file).touch()
    deadline = time.monotonic() + options.seconds
    for number in range(options.max_writes):
        if time.monotonic() >= deadline:
            break
        close_old_connections()
        name = f"{options.prefix}-{number}"
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    headline=name,
                    slug=name,
                    section=section,
                    body=f"<p>Write number {number}.</p>",
                )
                article.authors.add(author)
                article.tags.add(options.prefix)
        except DatabaseError as error:
            print(f"failed {name} {type(error).__name__}", flush=True)
            time.sleep(0.1)
            continue
        print(f"ok {name}", flush=True)
        time.sleep(options.pause)
    return 0


if __name__ == "__main__":
    sys.exit(main())
