from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.desk import outbox
from articles.desk.models import QueuedEmail


class Command(BaseCommand):
    help = (
        "Send the desk's queued email that is due (review, send-back and publishing notices "
        "the mail server did not take at first). Each new notice sends what is due too; run "
        "this every few minutes from cron or a systemd timer so a quiet desk's mail still goes "
        "out. --all tries every queued message now, those given up included."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="try every queued message now, given up or not"
        )

    def handle(self, *args, **options):
        if options["all"]:
            QueuedEmail.objects.update(next_attempt_at=timezone.now())
        sent = 0
        for _batch in range(1000):  # bounded: a batch each, until nothing due is left
            went = outbox.send_due()
            sent += went
            if went < outbox.BATCH:
                break
        waiting = QueuedEmail.objects.count()
        given_up = QueuedEmail.objects.filter(next_attempt_at=None).count()
        self.stdout.write(
            self.style.SUCCESS(f"Sent {sent}.")
            + f" Waiting: {waiting - given_up}; given up: {given_up}."
        )
        if waiting:
            oldest = QueuedEmail.objects.order_by("queued_at").first()
            self.stdout.write(f"Oldest: {oldest} ({oldest.last_error or 'not tried yet'}).")
