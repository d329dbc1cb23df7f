from django.core.management.base import BaseCommand

from articles import popularity


class Command(BaseCommand):
    help = (
        "Move the view counts kept in the cache into the daily view totals now. Beacons do "
        "this by themselves once a minute; run it before a cache restart, or from cron on a "
        "site with few readers."
    )

    def handle(self, *args, **options):
        views = popularity.fold_view_counts()
        self.stdout.write(self.style.SUCCESS(f"Folded {views} view{'s' if views != 1 else ''}."))
