from django.core.management.base import BaseCommand, CommandError

from newsroom import backups

from .backup import progress_bar


class Command(BaseCommand):
    help = (
        "Restore a backup folder into a new PostgreSQL database (created here, on the server "
        "DATABASE_URL names) and its uploads into an empty MEDIA_ROOT, or an empty S3 bucket "
        "or prefix when AWS_STORAGE_BUCKET_NAME is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder made by the backup command.")
        parser.add_argument(
            "--database", required=True, help="Name of the new database to create and fill."
        )
        parser.add_argument(
            "--media-root", help="Empty folder for the uploads (default: MEDIA_ROOT)."
        )
        parser.add_argument(
            "--resume-uploads",
            action="store_true",
            help="Finish a restore whose uploads were cut short: the database is left alone; "
            "uploads already there whole are kept, the rest are put back.",
        )

    def handle(self, *args, folder, database, media_root=None, resume_uploads=False, **options):
        where = f"the folder {media_root}" if media_root else backups.describe_media()
        if backups.bucket_storage() is not None:
            where = backups.describe_media()  # on S3, --media-root plays no part
        self.stdout.write(f"Uploads into: {where}")
        try:
            if resume_uploads:
                media = backups.restore_media(
                    folder, media_root, progress=progress_bar(self.stdout), resume=True
                )
            else:
                media = backups.restore(
                    folder, database, media_root, progress=progress_bar(self.stdout)
                )
        except (backups.BackupError, OSError) as error:
            raise CommandError(error) from error
        done = f"Uploads put back into {media}; the database was left alone."
        if not resume_uploads:
            done = f"Restored into database {database!r}, uploads into {media}"
        self.stdout.write(self.style.SUCCESS(done))
        self.stdout.write(
            "Point DATABASE_URL at the new database (and MEDIA_ROOT or AWS_STORAGE_BUCKET_NAME / "
            "AWS_LOCATION at the uploads) to use it."
        )
