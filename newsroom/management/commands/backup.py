from django.core.management.base import BaseCommand, CommandError

from newsroom import backups
from newsroom.progress import ProgressBar


def progress_bar(stream):
    """A callback for backups and restores: files and megabytes done (on a terminal)."""
    bar = ProgressBar(stream)

    def show(done, total, done_bytes, total_bytes):
        bar(done, total, f" files, {done_bytes / 1e6:.1f}/{total_bytes / 1e6:.1f} MB")

    return show


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and the uploads (MEDIA_ROOT, "
        "or every object of the S3 bucket's prefix) into a new timestamped folder under "
        "var/backups/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            help="Where the timestamped backup folder is made (default: var/backups).",
        )
        parser.add_argument(
            "--resume",
            metavar="FOLDER",
            help="Finish a backup that was cut short: the S3 objects already copied into "
            "FOLDER are kept, the rest are fetched.",
        )

    def handle(self, *args, output_dir=None, resume=None, **options):
        self.stdout.write(f"Uploads: {backups.describe_media()}")
        try:
            folder = backups.backup(output_dir, resume=resume, progress=progress_bar(self.stdout))
        except (backups.BackupError, FileExistsError) as error:
            raise CommandError(error) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
