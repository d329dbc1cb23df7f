"""Review that reaches people, by email, in each reader's language, with a link:

- a piece submitted for review: the editors;
- a piece sent back with a note: its reporters (articles/desk/admin.py calls ``sent_back``);
- a piece published or scheduled: its authors (the logins behind its bylines, and whoever
  created it).

Never to inactive users nor to the person who did it. Queued in the save's transaction and
sent after it commits (a save that fails sends nothing); a message the mail server does not
take is logged and kept to be tried again (articles/desk/outbox.py): a mail outage never
makes a save fail, nor loses the email.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.signals import post_create_historical_record

from ..models import PUBLISH_PERMISSION, Article
from . import outbox
from .models import ReviewNote, StaffLanguage


def _name(user):
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


def _url(path):
    return f"https://{Site.objects.get_current().domain}{path}"


def _one_line(text):
    return " ".join(str(text).split())


def _reachable(users, actor):
    """Active users with an email address, the actor left out."""
    users = users.filter(is_active=True).exclude(email="")
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    return list(users.order_by("pk"))


def editors(actor=None):
    users = get_user_model().objects.with_perm(
        PUBLISH_PERMISSION, backend="django.contrib.auth.backends.ModelBackend"
    )
    return _reachable(users, actor)


def authors(article, actor=None):
    users = get_user_model().objects.filter(
        pk__in=[
            *article.authors.exclude(user=None).values_list("user", flat=True),
            *([article.created_by_id] if article.created_by_id else []),
        ]
    )
    return _reachable(users, actor)


def _messages(recipients, compose):
    """One email per recipient, written in their language by ``compose()``."""
    languages = dict(
        StaffLanguage.objects.filter(user__in=recipients).values_list("user", "language")
    )
    prefix = f"[{settings.NEWSROOM_SITE_NAME}] "
    messages = []
    for user in recipients:
        with translation.override(languages.get(user.pk) or settings.LANGUAGE_CODE):
            subject, body = compose()
        messages.append(EmailMessage(_one_line(prefix + subject), body, None, [user.email]))
    return messages


def submitted(article, actor):
    link = _url(reverse("admin:articles_article_change", args=[article.pk]))
    waiting = _url(reverse("admin:articles_desk_overview"))

    def compose():
        return (
            _("In review: %(headline)s") % {"headline": article.headline},
            _(
                "%(who)s submitted “%(headline)s” for review.\n\nRead it, then publish it or "
                "send it back with a note: %(link)s\nEverything waiting for you: %(waiting)s\n"
            )
            % {"who": _name(actor), "headline": article.headline, "link": link, "waiting": waiting},
        )

    outbox.queue(_messages(editors(actor), compose))


def sent_back(article, note, actor):
    link = _url(reverse("admin:articles_article_change", args=[article.pk]))
    quoted = "\n".join(f"> {line}" for line in note.text.splitlines() or [""])

    def compose():
        return (
            _("Sent back: %(headline)s") % {"headline": article.headline},
            _(
                "%(who)s sent “%(headline)s” back to you with a note:\n\n%(note)s\n\n"
                "The note is on the article's form: %(link)s\n"
            )
            % {"who": _name(actor), "headline": article.headline, "note": quoted, "link": link},
        )

    outbox.queue(_messages(authors(article, actor), compose))


def published(article, actor):
    live = article.is_published()
    change = reverse("admin:articles_article_change", args=[article.pk])
    link = _url(article.get_absolute_url() if live else change)
    when = timezone.localtime(article.publish_at).strftime("%Y-%m-%d %H:%M")

    def compose():
        values = {"who": _name(actor), "headline": article.headline, "link": link, "when": when}
        if live:
            return (
                _("Published: %(headline)s") % values,
                _("%(who)s published “%(headline)s”.\n\nRead it: %(link)s\n") % values,
            )
        return (
            _("Scheduled: %(headline)s") % values,
            _(
                "%(who)s scheduled “%(headline)s” to go live at %(when)s (%(zone)s).\n\n"
                "Open it: %(link)s\n"
            )
            % {**values, "zone": settings.TIME_ZONE},
        )

    outbox.queue(_messages(authors(article, actor), compose))


@receiver(post_create_historical_record, sender=Article.history.model)
def status_changed(sender, instance, history_instance, history_user=None, **kwargs):
    """Each revision that moves an article into review or into print tells the people it
    concerns; a piece submitted again closes the notes that sent it back."""
    if history_user is None:
        return  # an import, a script, the shell: no person to tell about, nobody acted
    before = history_instance.prev_record
    old, new = (before.status if before else None), history_instance.status
    if old == new:
        return
    if new == Article.Status.REVIEW:
        ReviewNote.objects.filter(article=instance, is_open=True).update(is_open=False)
        submitted(instance, history_user)
    elif new == Article.Status.PUBLISHED:
        published(instance, history_user)
