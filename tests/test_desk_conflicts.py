"""No silent overwrite: a save from a form older than the article's last save is refused,
with who saved, when, their version against yours, and the writer's text kept."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk.conflicts import version_token
from articles.models import Article

from .conftest import _staff, make_article
from .test_admin import article_form, change_url
from .test_embargo import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(django_user_model):
    user = _staff(django_user_model, "erin", "Editor")
    user.first_name, user.last_name = "Erin", "Okafor"
    user.save()
    return user


def opened(client, article):
    """The version token the form carries when this client opens the article."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    return page.context["adminform"].form["desk_version"].value()


def form_for(article, **overrides):
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "status": article.status,
        "tags": "",
        # The corrections inline editors see on the form, empty.
        "notices-TOTAL_FORMS": "0",
        "notices-INITIAL_FORMS": "0",
        # The preview links inline's (editors only; ignored for others).
        "preview_links-TOTAL_FORMS": "0",
        "preview_links-INITIAL_FORMS": "0",
    }
    return article_form(article.section, **{**data, **overrides})


@pytest.fixture
def two_open(editor, second_editor):
    article = make_article(
        status=Article.Status.DRAFT,
        headline="Port reopens",
        dek="Ships return.",
        body="<p>The port reopened on Monday.</p>",
    )
    mine, theirs = Client(), Client()
    mine.force_login(editor)
    theirs.force_login(second_editor)
    return article, (mine, opened(mine, article)), (theirs, opened(theirs, article))


def test_the_form_carries_the_version_it_was_opened_on(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    assert opened(client, article) == version_token(article.updated_at)


def test_a_save_from_an_older_form_is_refused_and_keeps_the_text(two_open):
    article, (mine, my_version), (theirs, their_version) = two_open
    saved = theirs.post(
        change_url(article),
        form_for(article, body="<p>The port reopened on Tuesday.</p>", desk_version=their_version),
    )
    assert saved.status_code == 302
    refused = mine.post(
        change_url(article),
        form_for(
            article,
            headline="Port reopens after storm",
            body="<p>The port reopened on Monday at dawn.</p>",
            desk_version=my_version,
        ),
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Not saved: Erin Okafor saved this article at" in page
    assert "Your text is still in the form" in page
    assert 'value="Port reopens after storm"' in page  # my headline, still in the form
    assert "Monday at dawn" in page
    # The comparison: their word struck through, mine underlined, each also said in words.
    assert "removed: </span>Tuesday" in page
    assert "added: </span>Monday at dawn" in page or "added: </span>Monday" in page
    article.refresh_from_db()
    assert article.headline == "Port reopens"
    assert article.body == "<p>The port reopened on Tuesday.</p>"


def test_ticking_replace_saves_mine_over_the_version_shown(two_open):
    article, (mine, my_version), (theirs, their_version) = two_open
    theirs.post(change_url(article), form_for(article, dek="Theirs.", desk_version=their_version))
    refused = mine.post(
        change_url(article), form_for(article, dek="Mine.", desk_version=my_version)
    )
    seen = refused.context["adminform"].form.desk_conflict.token
    saved = mine.post(
        change_url(article),
        form_for(article, dek="Mine.", desk_version=my_version, desk_seen=seen, desk_replace="on"),
    )
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.dek == "Mine."
    # Their version is not lost: it is in the history.
    assert article.history.filter(dek="Theirs.").exists()


def test_replace_is_refused_again_when_a_third_save_came_in_meanwhile(two_open):
    article, (mine, my_version), (theirs, their_version) = two_open
    theirs.post(change_url(article), form_for(article, dek="Theirs.", desk_version=their_version))
    refused = mine.post(
        change_url(article), form_for(article, dek="Mine.", desk_version=my_version)
    )
    seen = refused.context["adminform"].form.desk_conflict.token
    newer = opened(theirs, article)
    theirs.post(change_url(article), form_for(article, dek="Theirs again.", desk_version=newer))
    again = mine.post(
        change_url(article),
        form_for(article, dek="Mine.", desk_version=my_version, desk_seen=seen, desk_replace="on"),
    )
    assert again.status_code == 200
    article.refresh_from_db()
    assert article.dek == "Theirs again."


def test_a_form_opened_after_the_last_save_saves_normally(two_open):
    article, (mine, _version), (theirs, their_version) = two_open
    theirs.post(change_url(article), form_for(article, dek="Theirs.", desk_version=their_version))
    fresh = opened(mine, article)
    saved = mine.post(change_url(article), form_for(article, dek="Mine.", desk_version=fresh))
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.dek == "Mine."


def test_the_refusal_shows_what_they_changed_since_the_version_i_opened(two_open):
    article, (mine, my_version), (theirs, their_version) = two_open
    theirs.post(
        change_url(article), form_for(article, headline="Port shut", desk_version=their_version)
    )
    refused = mine.post(change_url(article), form_for(article, desk_version=my_version))
    changed = refused.context["adminform"].form.desk_conflict.what_they_changed
    headline = next(d for d in changed if d.name == "headline")
    assert headline.changed
    assert "removed: </span>reopens</del>" in headline.html
    assert "added: </span>shut</ins>" in headline.html


@pytest.mark.parametrize("token", ["yesterday", "2020-01-01T00:00:00+00:00", "\x00", "9" * 5000])
def test_a_nonsense_version_is_a_refusal_not_a_500(client, editor, token):
    article = make_article(status=Article.Status.DRAFT, headline="Unchanged")
    client.force_login(editor)
    response = client.post(change_url(article), form_for(article, headline="X", desk_version=token))
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline == "Unchanged"


def test_two_editors_on_one_live_entry_do_not_overwrite_each_other(editor, second_editor):
    """The live entry's change form: the second save from an older form is refused, its
    text kept; ticking "replace" then saves it knowingly."""
    from django.urls import reverse

    from articles.models import LiveEntry

    from .test_live import make_live

    entry = LiveEntry.objects.create(
        article=make_live(), headline="Polls close", body="<p>Counting starts.</p>"
    )
    url = reverse("admin:articles_liveentry_change", args=[entry.pk])
    mine, theirs = Client(), Client()
    mine.force_login(editor)
    theirs.force_login(second_editor)
    versions = [
        client.get(url).context["adminform"].form["desk_version"].value()
        for client in (mine, theirs)
    ]

    def form(version, **fields):
        data = {"headline": "Polls close", "body": "<p>Counting starts.</p>"}
        return {**data, **fields, "desk_version": version}

    assert theirs.post(url, form(versions[1], headline="Polls closed at 10")).status_code == 302
    refused = mine.post(url, form(versions[0], body="<p>Counting starts in 40 halls.</p>"))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Not saved: Erin Okafor saved this live entry at" in page
    assert "40 halls" in page
    entry.refresh_from_db()
    assert (entry.headline, entry.body) == ("Polls closed at 10", "<p>Counting starts.</p>")
    seen = refused.context["adminform"].form.desk_conflict.token
    replaced = mine.post(
        url,
        form(
            versions[0],
            body="<p>Counting starts in 40 halls.</p>",
            desk_replace="on",
            desk_seen=seen,
        ),
    )
    assert replaced.status_code == 302
    entry.refresh_from_db()
    assert entry.body == "<p>Counting starts in 40 halls.</p>"


def _with_correction(article, text="An earlier version misspelled the mayor's name."):
    from articles.corrections import Notice

    return Notice.objects.create(article=article, kind="correction", text=text)


def _correction_rows(notice, text, **extra):
    """The corrections inline as a form opened before a colleague's save sends it."""
    return {
        "notices-TOTAL_FORMS": "1",
        "notices-INITIAL_FORMS": "1",
        "notices-0-id": str(notice.pk),
        "notices-0-article": str(notice.article_id),
        "notices-0-kind": "correction",
        "notices-0-position": "top",
        "notices-0-noted_at_0": "2026-12-01",
        "notices-0-noted_at_1": "10:00",
        "notices-0-text": text,
        **extra,
    }


def test_the_refusal_shows_a_colleagues_kicker_and_correction_not_only_the_text(two_open):
    """Their new kicker and correction text were not shown: "Replace" undid them unseen."""
    article, (mine, my_version), (theirs, their_version) = two_open
    notice = _with_correction(article)
    theirs.post(
        change_url(article),
        form_for(
            article,
            kicker="ANALYSIS",
            desk_version=their_version,
            **_correction_rows(notice, "CORRECTED: the mayor is Ms Haddad."),
        ),
    )
    refused = mine.post(
        change_url(article),
        form_for(
            article,
            body="<p>The port reopened on Monday. Typo fixed.</p>",
            desk_version=my_version,
            **_correction_rows(notice, notice.text),
        ),
    )
    assert refused.status_code == 200
    shown = {d.name: d for d in refused.context["adminform"].form.desk_conflict.theirs_vs_yours}
    assert shown["kicker"].changed and shown["notices"].changed
    assert "Ms Haddad" in shown["notices"].html
    assert "Kicker" in refused.text and "Corrections and updates" in refused.text
    assert "seo_title" not in shown  # unchanged, not listed


def test_a_correction_a_colleague_deleted_does_not_block_the_save_and_is_kept(two_open):
    """Each save was refused with an error nobody could see: the row's correction was gone."""
    article, (mine, my_version), (theirs, their_version) = two_open
    notice = _with_correction(article)
    theirs.post(
        change_url(article),
        form_for(
            article,
            desk_version=their_version,
            **_correction_rows(notice, notice.text, **{"notices-0-DELETE": "on"}),
        ),
    )
    assert not article.notices.exists()
    mine_form = form_for(
        article,
        body="<p>The port reopened on Monday, officials said.</p>",
        desk_version=my_version,
        **_correction_rows(notice, "The harbour master's name was misspelled."),
    )
    refused = mine.post(change_url(article), mine_form)
    conflict = refused.context["adminform"].form.desk_conflict
    assert {d.name for d in conflict.theirs_vs_yours if d.changed} >= {"body", "notices"}
    saved = mine.post(
        change_url(article), {**mine_form, "desk_seen": conflict.token, "desk_replace": "on"}
    )
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>The port reopened on Monday, officials said.</p>"
    assert list(article.notices.values_list("text", flat=True)) == [
        "The harbour master's name was misspelled."
    ]


def test_a_preview_link_a_colleague_deleted_stays_deleted(two_open):
    from articles.embargo import PreviewLink

    article, (mine, my_version), _theirs = two_open
    link = PreviewLink.objects.create(article=article, recipient="Agency")
    link_rows = {
        "preview_links-TOTAL_FORMS": "1",
        "preview_links-INITIAL_FORMS": "1",
        "preview_links-0-id": str(link.pk),
        "preview_links-0-article": str(article.pk),
        "preview_links-0-recipient": "Agency",
    }
    link.delete()  # a colleague removed it meanwhile
    saved = mine.post(
        change_url(article),
        form_for(article, dek="Ships return at dawn.", desk_version=my_version, **link_rows),
    )
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.dek == "Ships return at dawn." and not article.preview_links.exists()


def test_a_colleagues_save_is_told_on_the_next_poll_before_mine_is_refused(
    two_open, django_capture_on_commit_callbacks
):
    """The form open on the older version hears of the save within a poll, with who and
    when; the one who saved, and a form opened after the save, hear nothing."""
    article, (mine, my_version), (theirs, their_version) = two_open
    poll = reverse("admin:articles_article_desk_presence", args=[article.pk])
    assert mine.post(poll, {"desk_version": my_version}).json()["saved"] is None
    with django_capture_on_commit_callbacks(execute=True):
        saved = theirs.post(
            change_url(article),
            form_for(article, body="<p>Tuesday.</p>", desk_version=their_version),
        )
    assert saved.status_code == 302
    told = mine.post(poll, {"desk_version": my_version}).json()["saved"]
    assert told["by"] == "Erin Okafor"
    article.refresh_from_db()
    assert told["at"] == timezone.localtime(article.updated_at).isoformat()
    new_version = opened(theirs, article)
    assert theirs.post(poll, {"desk_version": their_version}).json()["saved"] is None
    assert mine.post(poll, {"desk_version": new_version}).json()["saved"] is None
    page = mine.get(change_url(article)).content.decode()
    assert "saved this article at %(time)s, after you opened it" in page  # the note's words


def test_a_refused_save_leaves_the_note_of_the_save_that_won(
    two_open, django_capture_on_commit_callbacks
):
    article, (mine, my_version), (theirs, their_version) = two_open
    with django_capture_on_commit_callbacks(execute=True):
        theirs.post(change_url(article), form_for(article, desk_version=their_version))
        mine.post(change_url(article), form_for(article, desk_version=my_version))  # refused
    poll = reverse("admin:articles_article_desk_presence", args=[article.pk])
    assert mine.post(poll, {"desk_version": my_version}).json()["saved"]["by"] == "Erin Okafor"


def test_saving_a_live_story_without_a_change_writes_nothing(client, editor):
    """No "Updated" line, no revision, no new version for a colleague's form to clash with."""
    published = timezone.now() - timedelta(days=2)
    article = make_article(headline="Port reopens", publish_at=published)
    Article.objects.filter(pk=article.pk).update(updated_at=published)
    client.force_login(editor)
    shown = _form_data(client.get(change_url(article)))  # as "Save" sends it, nothing changed
    assert shown["headline"] == "Port reopens"
    revisions = article.history.count()
    response = client.post(change_url(article), shown)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.updated_at == published
    assert article.history.count() == revisions
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()
    # A real change still saves.
    shown["dek"] = "Ships return after the storm."
    assert client.post(change_url(article), shown).status_code == 302
    article.refresh_from_db()
    assert article.dek == "Ships return after the storm." and article.updated_at > published
