"""The desk's outgoing email, kept in the database until the mail server takes it.

``queue()`` writes the messages in the caller's transaction and sends them once it commits:
a save that fails queues nothing, and a message the mail server refuses (down, slow,
throttling) stays queued with its error and is tried again with a growing pause — by the
next email the desk sends, or by ``manage.py send_queued_email`` run every few minutes
(README, Production). After MAX_ATTEMPTS it is given up and logged as an error; the editors'
overview shows what is waiting. Nothing here ever raises into a save.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from .models import QueuedEmail

logger = logging.getLogger("articles.desk.notifications")

# Tries in a row when a message is first sent (a mail server's passing hiccup) ...
QUICK_TRIES = 3
# ... and in all, the later ones after 1, 2, 4, ... 128 minutes (about four hours).
MAX_ATTEMPTS = 10
BATCH = 100
# A message being sent by one process is not taken by another for this long.
LEASE = timedelta(minutes=5)


def queue(messages):
    """Queue ``EmailMessage``s (one recipient each) in the current transaction; send them
    after it commits."""
    if not messages:
        return
    now = timezone.now()
    QueuedEmail.objects.bulk_create(
        QueuedEmail(recipient=m.to[0], subject=m.subject, body=m.body, next_attempt_at=now)
        for m in messages
    )
    transaction.on_commit(send_due)


def waiting():
    """(How many are waiting or given up, the oldest one's time) for the overview."""
    found = QueuedEmail.objects.aggregate(count=Count("id"), oldest=Min("queued_at"))
    return found["count"], found["oldest"]


def send_due(now=None, limit=BATCH):
    """Send what is due; returns how many went out. Logs, never raises."""
    try:
        return _send_due(now or timezone.now(), limit)
    except Exception:
        logger.exception("Sending the queued desk email failed; it stays queued")
        return 0


def _send_due(now, limit):
    claimed = _claim(now, limit)
    if not claimed:
        return 0
    sent = 0
    try:
        connection = get_connection()
        connection.open()
    except Exception as error:
        for email in claimed:
            _failed(email, error, now)
        return 0
    try:
        for email in claimed:
            message = EmailMessage(email.subject, email.body, None, [email.recipient])
            error = None
            for _try in range(QUICK_TRIES if email.attempts == 0 else 1):
                try:
                    if connection.send_messages([message]):
                        break
                    error = RuntimeError("the mail server took nothing")
                except Exception as exc:
                    error = exc
                    logger.warning("Desk email to %s failed", email.recipient, exc_info=True)
            else:
                _failed(email, error, now)
                continue
            email.delete()
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Closing the mail connection failed", exc_info=True)
    return sent


def _claim(now, limit):
    """Due messages this process takes (another process sending at the same time skips them)."""
    due = list(
        QueuedEmail.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")[
            :limit
        ]
    )
    claimed = []
    for email in due:
        taken = QueuedEmail.objects.filter(
            pk=email.pk, next_attempt_at=email.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
        if taken:
            claimed.append(email)
    return claimed


def _failed(email, error, now):
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.next_attempt_at = None
        logger.error(
            "Desk email not sent to %s, given up after %d attempts: %s (%s)",
            email.recipient,
            email.attempts,
            email.subject,
            email.last_error,
        )
    else:
        email.next_attempt_at = now + timedelta(minutes=2 ** (email.attempts - 1))
        logger.warning(
            "Desk email not sent to %s: %s (%s); kept in the queue, next try at %s",
            email.recipient,
            email.subject,
            email.last_error,
            email.next_attempt_at.isoformat(timespec="seconds"),
        )
    email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
