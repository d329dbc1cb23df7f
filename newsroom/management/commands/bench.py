from dataclasses import fields

from django.core.management.base import BaseCommand

from newsroom.bench import load


class Command(BaseCommand):
    help = (
        "Benchmark the site under production settings: build (or reuse) a large dataset on "
        "PostgreSQL, start gunicorn and nginx on 127.0.0.1, drive them with wrk and print "
        "requests/s, latency and errors per page type, cache cold and warm."
    )

    def add_arguments(self, parser):
        defaults = load.Options()
        for option in fields(load.Options):
            parser.add_argument(
                f"--{option.name.replace('_', '-')}",
                type=int,
                default=getattr(defaults, option.name),
            )

    def handle(self, *args, **options):
        opts = load.Options(**{f.name: options[f.name] for f in fields(load.Options)})
        report = load.run(opts, self.stdout)
        self.stdout.write("")
        self.stdout.write(load.format_report(report))
