from django.core.management.base import BaseCommand

from articles import search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of every article: after loading fixtures or "
        "writing articles in bulk."
    )

    def handle(self, *args, **options):
        articles = Article.objects.all()
        search.reindex(articles)
        count = articles.count()
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} article{'s' if count != 1 else ''}.")
        )
