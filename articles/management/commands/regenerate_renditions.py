from django.core.management.base import BaseCommand

from articles import images
from articles.models import Image
from newsroom.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Make every library photo's renditions again, e.g. after the sizes or formats in "
        "articles/images.py change; also cleans originals stored before uploads were cleaned."
    )

    def handle(self, *args, **options):
        photos = Image.objects.exclude(file="").order_by("pk")
        total = photos.count()
        failed = []
        progress = ProgressBar(self.stdout)
        for done, photo in enumerate(photos.iterator(chunk_size=100), start=1):
            try:
                images.regenerate(photo)
            except (images.UnreadableImage, OSError) as exc:  # OSError: storage down
                failed.append(f"image {photo.pk}: {exc}")
            progress(done, total)
        for failure in failed:
            self.stderr.write(f"No renditions for {failure}")
        self.stdout.write(
            self.style.SUCCESS(f"Renditions made for {total - len(failed)} of {total} images.")
        )
