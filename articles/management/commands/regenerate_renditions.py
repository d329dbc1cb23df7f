from django.core.management.base import BaseCommand

from articles import images
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Make every featured image's renditions again, e.g. after the sizes or formats in "
        "articles/images.py change; also cleans originals stored before uploads were cleaned."
    )

    def handle(self, *args, **options):
        articles = Article.objects.exclude(featured_image="").order_by("pk")
        total = articles.count()
        failed = []
        for done, article in enumerate(articles.iterator(chunk_size=100), start=1):
            try:
                images.regenerate(article)
            except images.UnreadableImage as exc:
                failed.append(f"article {article.pk}: {exc}")
            self.stdout.write(f"\r{progress_bar(done, total)}", ending="")
        self.stdout.write("")
        for failure in failed:
            self.stderr.write(f"No renditions for {failure}")
        self.stdout.write(
            self.style.SUCCESS(f"Renditions made for {total - len(failed)} of {total} articles.")
        )


def progress_bar(done, total, width=30):
    filled = width * done // total if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
