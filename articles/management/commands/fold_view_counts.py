from django.conf import settings
from django.core.management.base import BaseCommand

from articles import popularity
from newsroom.checks import PROCESS_LOCAL_CACHES


class Command(BaseCommand):
    help = (
        "Move the view counts kept in the cache into the daily view totals now. Beacons do "
        "this by themselves once a minute; run it before a cache restart, or from cron on a "
        "site with few readers."
    )

    def handle(self, *args, **options):
        if settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
            # The counts are in the site's own processes, which this one cannot reach.
            self.stderr.write(
                "The cache is local to each process (no REDIS_URL): the views are counted in "
                "the server's memory, out of this command's reach; its beacons fold them "
                "once a minute. With REDIS_URL set this command folds them at once."
            )
        views = popularity.fold_view_counts()
        self.stdout.write(self.style.SUCCESS(f"Folded {views} view{'s' if views != 1 else ''}."))
