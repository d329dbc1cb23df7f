from functools import partial

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles import image_files, images
from articles.models import Article, Author, Image
from newsroom.media import PRIVATE_PREFIX
from newsroom.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Move images stored before names were random (articles/2024/05/photo.jpg) to "
        "unguessable names, and library photos no published article uses under the private "
        "prefix. "
        "Renditions move with their original; old files are deleted once each move is saved. "
        "Safe to run again: what is already in place is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--taken-down",
            action="store_true",
            help="Only the public photos of stories whose unpublish time has passed (quick: "
            "for cron, since a story that comes down by itself has no save to move them).",
        )

    def handle(self, *args, **options):
        photos = Image.objects.exclude(file="").order_by("pk")
        authors = Author.objects.exclude(photo="").order_by("pk")
        if options["taken_down"]:
            down = Article.objects.filter(unpublish_at__lte=timezone.now()).values("pk")
            photos = (
                photos.filter(Q(lead_for__in=down) | Q(body_uses__article__in=down))
                .exclude(file__startswith=PRIVATE_PREFIX)
                .distinct()
            )
            authors = authors.none()
        jobs = [(image_files.secure, photo, photo.file) for photo in photos]
        jobs += [(image_files.secure_author_photo, author, author.photo) for author in authors]
        moved, failed = 0, []
        progress = ProgressBar(self.stdout)
        for done, (secure, item, field) in enumerate(jobs, start=1):
            try:
                with transaction.atomic():
                    old = secure(item)
                    transaction.on_commit(partial(images.delete_files, field.storage, old))
            except image_files.MoveFailed as exc:
                failed.append(f"{item._meta.verbose_name} {item.pk}: {exc}")
            else:
                moved += bool(old)
            progress(done, len(jobs))
        for failure in failed:
            self.stderr.write(f"Not moved: {failure}")
        self.stdout.write(self.style.SUCCESS(f"Moved the files of {moved} of {len(jobs)} images."))
