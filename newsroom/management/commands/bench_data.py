import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from newsroom.bench import dataset, pages


class Command(BaseCommand):
    help = (
        "Build (or reuse) the benchmark dataset on PostgreSQL: articles with tags, images "
        "and bylines, and comments. Replaces the content of the database it runs against."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--comments", type=int, default=1_000_000)
        parser.add_argument(
            "--profile-json",
            type=Path,
            help="Also measure SQL queries and time per page type and write them here.",
        )

    def handle(self, *args, articles, comments, profile_json, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if dataset.is_present(articles, comments):
            self.stdout.write(f"Reusing the dataset: {articles:,} articles, {comments:,} comments.")
        else:
            self.stdout.write(f"Building {articles:,} articles and {comments:,} comments…")
            dataset.build(articles, comments, stdout=self.stdout)
        if profile_json:
            call_command("collectstatic", interactive=False, verbosity=0)
            urls = pages.representative_urls()
            profile_json.write_text(json.dumps(pages.profile(urls), indent=2))
