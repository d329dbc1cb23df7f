from django.core.management.base import BaseCommand, CommandError

from articles import embeds, renewal
from articles.wordpress.importer import Importer
from articles.wordpress.wxr import ExportError
from newsroom.cache import CONTENT, renew
from newsroom.progress import ProgressBar

# A run that writes this many stories or more has left every index of the articles table
# well over its compact size (articles.search.compact()): its report ends by saying what to
# run next.
COMPACT_AFTER = 1000


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR, from Tools → Export or `wp export`): authors, "
        "categories, tags, posts, pages, images, comments and the old addresses. Safe to run "
        "again: what was imported is updated, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The export file (.xml).")
        parser.add_argument(
            "--media-dir",
            help="A copy of the old site's wp-content/uploads folder to take images from.",
        )
        parser.add_argument(
            "--media-url-base",
            help="Fetch images over HTTP from here instead, e.g. "
            "https://old.example.com/wp-content/uploads",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report; write nothing."
        )
        parser.add_argument(
            "--default-section",
            help="Slug of an existing section for posts that have no category.",
        )
        parser.add_argument(
            "--permalink-structure",
            help="The old site's permalink structure, e.g. /%%year%%/%%monthnum%%/%%postname%%/, "
            "when the export's links do not show it (old addresses redirect from it too).",
        )
        parser.add_argument(
            "--flatten",
            action="store_true",
            help="Put posts of a child category in its top-level category's section (the "
            "child's name becomes a tag) instead of a section of its own.",
        )

    def handle(self, *args, **options):
        if options["media_dir"] and options["media_url_base"]:
            raise CommandError("Give --media-dir or --media-url-base, not both.")
        importer = Importer(
            options["export"],
            media_dir=options["media_dir"],
            media_url_base=options["media_url_base"],
            dry_run=options["dry_run"],
            default_section=options["default_section"],
            permalink_structure=options["permalink_structure"],
            flatten=options["flatten"],
            progress=self.progress_bar(),
        )
        try:
            # Embeds are fetched once at the end, not after each story's save.
            with embeds.collected() as pending:
                report = importer.run()
            if not options["dry_run"]:
                self.fetch_embeds(pending)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            # Every post written so far is whole (one transaction each); the one under way
            # was rolled back.
            if self.stderr.isatty():
                self.stderr.write("")  # off the bar's line
            self.write_report(importer.report, dry_run=options["dry_run"])
            raise CommandError(
                "Stopped. What is in stays in; run the same command again to carry on."
            ) from None
        self.write_report(report, dry_run=options["dry_run"])
        written = report.counts["articles"]["created"] + report.counts["articles"]["updated"]
        if not options["dry_run"] and written >= COMPACT_AFTER:
            self.stdout.write("")
            self.stdout.write(
                f"{written} stories written: compact the search indexes now (minutes; the site "
                "stays up): manage.py rebuild_search_index --compact-only"
            )
        if report.failures:
            raise CommandError(
                f"{report.failures} item(s) failed; see above. Fix them and run the command "
                "again: what is already in is left as it is."
            )

    def fetch_embeds(self, pending):
        """The imported stories' embeds: title and thumbnail fetched once each, and the
        stories whose facade changed renewed."""
        urls = list(dict.fromkeys(url for _pk, url in pending))
        fetched = {embed.url for embed in embeds.fetch_missing(urls)} if urls else set()
        stories = {pk for pk, url in pending if url in fetched}  # None: a flat page
        if stories:
            renew(*(renewal.article(pk) if pk is not None else CONTENT for pk in stories))
        if urls:
            self.stdout.write(f"Embeds: {len(urls)} looked up at their providers.")

    def progress_bar(self):
        """The shared bar (on stderr, on a terminal only), redrawn every 25 items."""
        bar = ProgressBar(self.stderr, width=40)

        def show(done, total):
            if done == total or not done % 25:
                bar(done, total, " items")

        return show

    def write_report(self, report, dry_run):
        if dry_run:
            self.stdout.write("Dry run: nothing was written. This is what an import would do:")
        for line in report.table():
            self.stdout.write(line)
        if report.unknown_shortcodes:
            self.stdout.write("")
            self.stdout.write("Shortcodes left as text (not understood):")
            for name, count in report.unknown_shortcodes.most_common():
                posts = report.shortcode_posts.get(name, [])
                where = ", ".join(f"#{wp_id}" for wp_id in posts)
                others = report.shortcode_post_counts[name] - len(posts)
                if others > 0:
                    where += f" and {others} other post{'s' if others > 1 else ''}"
                self.stdout.write(f"  [{name}] × {count} (in {where})")
        repeated = report.repeated()
        if repeated:
            self.stdout.write("")
            self.stdout.write("Reasons given to many items (each item is listed below):")
            marks = {"errors": "FAILED", "skipped": "skipped", "noted": "check"}
            for count, kind, outcome, reason in repeated:
                self.stdout.write(f"  {count:>6,} × {marks[outcome]:<7} {kind:<9} {reason}")
        problems = [problem for problem in report.problems if problem.outcome != "noted"]
        if problems:
            self.stdout.write("")
            self.stdout.write("Skipped or failed (WordPress ID, title: reason):")
            for problem in problems:
                mark = "FAILED" if problem.outcome == "errors" else "skipped"
                self.write_problem(mark, problem)
        if report.notes:
            self.stdout.write("")
            self.stdout.write("Imported, but to check (WordPress ID, title: what was done):")
            for problem in report.notes:
                self.write_problem("check", problem)

    def write_problem(self, mark, problem):
        self.stdout.write(
            f"  {mark:<7} {problem.kind:<9} #{problem.wp_id} {problem.title[:60]}: {problem.reason}"
        )
