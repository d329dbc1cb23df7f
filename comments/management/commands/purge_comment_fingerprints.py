from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments.moderation import purge_fingerprints


class Command(BaseCommand):
    help = (
        "Blank the client fingerprint (salted address hash) and browser of comments older than "
        "the retention period (NEWSROOM_COMMENT_FINGERPRINT_DAYS). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.NEWSROOM_COMMENT_FINGERPRINT_DAYS,
            help="Keep fingerprints of comments younger than this many days.",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        count = purge_fingerprints(days)
        self.stdout.write(f"Forgot the fingerprints of {count} comment(s) older than {days} days.")
