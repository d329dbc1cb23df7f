from django.core.management.base import BaseCommand, CommandError

from articles import benchmark


class Command(BaseCommand):
    help = (
        "Time the search function on generated articles: fills the database named by "
        "DATABASE_URL up to each size (reusing articles made earlier), then prints the median "
        "and 95th-percentile latency of varied queries. Use a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes", default="10000,100000", help="Comma-separated article counts to time at."
        )
        parser.add_argument("--queries", type=int, default=200, help="Queries per size.")

    def handle(self, *args, sizes, queries, **options):
        try:
            counts = sorted({int(size) for size in sizes.split(",")})
        except ValueError as exc:
            raise CommandError("--sizes takes whole numbers, e.g. 10000,100000.") from exc
        if not counts or counts[0] < 1 or queries < 1:
            raise CommandError("Sizes and the number of queries must be positive.")
        for count in counts:
            count = benchmark.fill(count, stdout=self.stdout)
            report = benchmark.time_queries(benchmark.queries(queries))
            self.stdout.write(
                f"{count:,} articles ({benchmark.vendor()}): median {report.median:.1f} ms, "
                f"p95 {report.p95:.1f} ms, max {report.slowest:.1f} ms over {report.runs} queries "
                f"(median {report.median_hits:,} matches)"
            )
