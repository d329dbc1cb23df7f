from django.core.management.base import BaseCommand

from articles import search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of every article, then its indexes compactly: "
        "after loading fixtures, importing or writing articles in bulk. With --compact-only, "
        "only the indexes (a monthly chore on a busy site)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--compact-only",
            action="store_true",
            help="Only rebuild the indexes compactly; leave each article's search text as it is.",
        )

    def handle(self, *args, compact_only=False, **options):
        if not compact_only:
            articles = Article.objects.all()
            search.reindex(articles)
            count = articles.count()
            self.stdout.write(
                self.style.SUCCESS(f"Indexed {count} article{'s' if count != 1 else ''}.")
            )
        search.compact()
        self.stdout.write(self.style.SUCCESS("Compacted the search indexes."))
