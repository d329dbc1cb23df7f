"""No silent overwrite: a save from a form older than the article's last save is refused,
with who saved, when, their version against yours, and the writer's text kept."""

import pytest
from django.test import Client

from articles.desk.conflicts import version_token
from articles.models import Article

from .conftest import _staff, make_article
from .test_admin import article_form, change_url

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
