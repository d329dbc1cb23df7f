from django.core.management.base import BaseCommand, CommandError

from newsroom import backups


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and the uploads (MEDIA_ROOT) "
        "into a new timestamped folder under var/backups/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            help="Where the timestamped backup folder is made (default: var/backups).",
        )

    def handle(self, *args, output_dir=None, **options):
        try:
            folder = backups.backup(output_dir)
        except (backups.BackupError, FileExistsError) as error:
            raise CommandError(error) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
