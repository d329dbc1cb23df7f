"""Autosave into one rolling draft per writer, its restore after reopening; comparing any two
revisions and restoring one as a new revision, within the rights of the person restoring."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from articles import bylines
from articles.desk.models import Autosave
from articles.models import Article, Label

from .conftest import make_article, make_author, make_image, make_section
from .test_admin import article_form, change_url
from .test_desk_conflicts import form_for

pytestmark = pytest.mark.django_db
NAMES = ("Amal", "Basim", "Carla")


def url(name, article, *args):
    return reverse(f"admin:articles_article_desk_{name}", args=[article.pk, *args])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def own_draft(reporter):
    return make_article(
        status=Article.Status.DRAFT,
        created_by=reporter,
        headline="Port reopens",
        dek="Ships return.",
        body="<p>The port reopened.</p>",
    )


def autosave(client, article, **fields):
    page = client.get(change_url(article))
    version = page.context["adminform"].form["desk_version"].value()
    return client.post(url("autosave", article), form_for(article, desk_version=version, **fields))


def test_autosave_keeps_one_rolling_draft_and_never_touches_the_article(reporter, own_draft):
    client = logged_in(reporter)
    history_before = own_draft.history.count()
    assert autosave(client, own_draft, dek="First try.").status_code == 200
    assert autosave(client, own_draft, dek="Second try.").status_code == 200
    kept = Autosave.objects.get()
    assert kept.data["dek"] == "Second try."
    own_draft.refresh_from_db()
    assert own_draft.dek == "Ships return."
    assert own_draft.history.count() == history_before


def test_reopening_offers_the_newer_text_and_restores_it_into_the_form(reporter, own_draft):
    client = logged_in(reporter)
    autosave(client, own_draft, body="<p>The port reopened at dawn.</p><script>x()</script>")
    page = client.get(change_url(own_draft)).content.decode()
    assert "You have unsaved text from" in page
    assert "Restore my unsaved text" in page
    restored = client.get(change_url(own_draft) + "?desk_restore=1")
    form = restored.context["adminform"].form
    assert form["body"].value() == "<p>The port reopened at dawn.</p>"  # kept clean
    assert "You have unsaved text" not in restored.content.decode()


def test_the_kicker_and_search_and_social_texts_are_autosaved_and_restored(reporter, own_draft):
    """Only the headline, summary, dateline, tags and body came back after a crash."""
    typed = {
        "kicker": "EXCLUSIVE",
        "seo_title": "Port reopens: what it means",
        "seo_description": "Ships return to the port after the storm.",
        "social_title": "The port is open again",
        "social_description": "Ships are back.",
    }
    client = logged_in(reporter)
    autosave(client, own_draft, **typed)
    form = client.get(change_url(own_draft) + "?desk_restore=1").context["adminform"].form
    assert {name: form[name].value() for name in typed} == typed


def test_a_real_save_ends_the_autosave(reporter, own_draft):
    client = logged_in(reporter)
    autosave(client, own_draft, dek="Draft words.")
    page = client.get(change_url(own_draft))
    version = page.context["adminform"].form["desk_version"].value()
    saved = client.post(
        change_url(own_draft), form_for(own_draft, dek="Saved.", desk_version=version)
    )
    assert saved.status_code == 302
    assert not Autosave.objects.exists()
    assert "You have unsaved text" not in client.get(change_url(own_draft)).content.decode()


def test_discarding_the_autosave(reporter, own_draft):
    client = logged_in(reporter)
    autosave(client, own_draft, dek="Not wanted.")
    response = client.post(url("discard", own_draft), follow=True)
    assert "Your autosaved text was discarded." in response.content.decode()
    assert not Autosave.objects.exists()


def test_restored_text_saved_over_a_newer_version_is_refused(reporter, editor, own_draft):
    client = logged_in(reporter)
    autosave(client, own_draft, dek="Mine, autosaved.")
    editor_client = logged_in(editor)
    page = editor_client.get(change_url(own_draft))
    version = page.context["adminform"].form["desk_version"].value()
    editor_client.post(
        change_url(own_draft), form_for(own_draft, dek="Edited.", desk_version=version)
    )
    restored = client.get(change_url(own_draft) + "?desk_restore=1")
    old_version = restored.context["adminform"].form["desk_version"].value()
    response = client.post(
        change_url(own_draft), form_for(own_draft, dek="Mine, autosaved.", desk_version=old_version)
    )
    assert response.status_code == 200
    assert "Not saved:" in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [{"body": "x\x00y"}, {"headline": "h" * 201}, {"body": "x" * 1_000_001}],
    ids=["nul", "long-headline", "huge-body"],
)
def test_bad_autosaves_are_refused_with_a_message(reporter, own_draft, fields):
    client = logged_in(reporter)
    response = autosave(client, own_draft, **fields)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Autosave.objects.exists()


def test_a_reporter_cannot_autosave_into_a_piece_in_review(reporter, own_draft):
    own_draft.status = Article.Status.REVIEW
    own_draft.save()
    client = logged_in(reporter)
    response = client.post(url("autosave", own_draft), {"dek": "Sneaky."})
    assert response.status_code == 404
    assert not Autosave.objects.exists()


def edit(article, user, **fields):
    for name, value in fields.items():
        setattr(article, name, value)
    article._history_user = user
    article.save()


def test_compare_shows_two_revisions_word_by_word(client, editor):
    article = make_article(headline="Port reopens", body="<p>On Monday.</p>")
    edit(article, editor, headline="Port reopens after storm", body="<p>On Tuesday.</p>")
    older, newer = article.history.order_by("history_date")
    client.force_login(editor)
    page = client.get(url("compare", article), {"a": older.history_id, "b": newer.history_id})
    assert page.status_code == 200
    text = page.content.decode()
    assert "added: </span>after storm</ins>" in text
    assert "removed: </span>Monday.</del>" in text
    assert "Restore the older revision" in text


def test_compare_opens_on_the_last_change_past_saves_that_changed_nothing(client, editor):
    article = make_article(headline="Port reopens", body="<p>On Monday.</p>")
    edit(article, editor, headline="Port reopens after storm")
    article.save()  # a save that changed nothing (a correction added, say) writes a revision
    client.force_login(editor)
    text = client.get(url("compare", article)).content.decode()
    assert "added: </span>after storm</ins>" in text


def test_an_editor_restores_an_old_revision_as_a_new_one_keeping_the_state(client, editor):
    article = make_article(headline="First words", dek="First summary.")
    edit(article, editor, headline="Second words", dek="Second summary.")
    first = article.history.order_by("history_date").first()
    count = article.history.count()
    client.force_login(editor)
    response = client.post(url("restore", article, first.history_id))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.dek) == ("First words", "First summary.")
    assert article.status == Article.Status.PUBLISHED and article.is_published()
    assert article.history.count() == count + 1
    assert article.history.first().history_user == editor


def test_a_revision_compares_and_restores_the_kicker_and_search_texts(client, editor):
    article = make_article(headline="Port reopens", kicker="ANALYSIS", seo_title="Port, old")
    edit(article, editor, kicker="EXCLUSIVE", seo_title="Port, new")
    older, newer = article.history.order_by("history_date")
    client.force_login(editor)
    text = client.get(url("compare", article), {"a": older.history_id, "b": newer.history_id}).text
    assert "Kicker" in text and "added: </span>EXCLUSIVE</ins>" in text
    assert "Search headline" in text
    client.post(url("restore", article, older.history_id))
    article.refresh_from_db()
    assert (article.kicker, article.seo_title) == ("ANALYSIS", "Port, old")


def test_a_reporter_cannot_restore_a_live_article(client, reporter):
    article = make_article(headline="Live words", created_by=reporter)
    edit(article, reporter, headline="Live words, edited")
    first = article.history.order_by("history_date").first()
    client.force_login(reporter)
    assert client.get(url("compare", article)).status_code == 200  # may read its history
    assert "Restore the" not in client.get(url("compare", article)).content.decode()
    client.post(url("restore", article, first.history_id))
    article.refresh_from_db()
    assert article.headline == "Live words, edited"


def test_a_reporter_restores_a_revision_of_their_own_draft(client, reporter, own_draft):
    edit(own_draft, reporter, headline="Port shut")
    first = own_draft.history.order_by("history_date").first()
    client.force_login(reporter)
    client.post(url("restore", own_draft, first.history_id))
    own_draft.refresh_from_db()
    assert own_draft.headline == "Port reopens"
    assert own_draft.status == Article.Status.DRAFT


@pytest.mark.parametrize("query", [{"a": "x", "b": "1"}, {"a": "99999", "b": "-1"}, {"a": "\x00"}])
def test_compare_with_nonsense_revisions_says_so(client, editor, query):
    article = make_article()
    edit(article, editor, headline="Changed")
    client.force_login(editor)
    response = client.get(url("compare", article), query)
    assert response.status_code == 200
    assert "Choose two revisions of this article." in response.content.decode()


def test_restoring_a_revision_of_another_article_is_a_404(client, editor):
    article, other = make_article(), make_article()
    client.force_login(editor)
    record = other.history.first()
    assert client.post(url("restore", article, record.history_id)).status_code == 404
    assert client.post(url("restore", article, "abc")).status_code == 404


def test_the_history_page_links_to_compare(client, editor):
    article = make_article()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert url("compare", article) in page.content.decode()


def test_the_history_lists_each_change_in_plain_words_without_an_empty_reason(client, editor):
    article = make_article(headline="Port reopens", body="<p>On Monday.</p>")
    edit(article, editor, body="<p>On Tuesday, after the storm.</p>")
    client.force_login(editor)
    text = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    text = text.decode()
    assert "On Monday.&nbsp;&rarr; On Tuesday, after the storm." in text  # no markup shown
    assert "&lt;p&gt;" not in text
    assert "Change reason" not in text and "None" not in text


ADD_URL = reverse("admin:articles_article_add")
AUTOSAVE_NEW = reverse("admin:articles_article_desk_autosave_new")
DISCARD_NEW = reverse("admin:articles_article_desk_discard_new")


def test_a_new_articles_text_is_autosaved_before_its_first_save(reporter, settings):
    settings.TIME_ZONE = "Europe/Berlin"  # the newsroom's clock: UTC+1 in December
    client = logged_in(reporter)
    with time_machine.travel(datetime(2026, 12, 7, 8, 5, 3, tzinfo=UTC), tick=False):
        first = client.post(AUTOSAVE_NEW, {"headline": "Dam breaks", "body": "<p>At dawn.</p>"})
    # The time the writer is shown is the newsroom's, not their computer's.
    assert first.status_code == 200 and first.json() == {"saved": True, "time": "09:05:03"}
    client.post(AUTOSAVE_NEW, {"headline": "Dam breaks upstream", "body": "<p>At dawn.</p>"})
    kept = Autosave.objects.get(user=reporter)
    assert kept.article is None and kept.data["headline"] == "Dam breaks upstream"
    assert not Article.objects.exists()  # nothing published or saved as an article


def test_the_add_form_offers_the_unsaved_new_article_and_restores_it(reporter):
    client = logged_in(reporter)
    client.post(AUTOSAVE_NEW, {"headline": "Dam breaks", "body": "<p>At dawn, the dam.</p>"})
    page = client.get(ADD_URL)
    text = page.content.decode()
    assert "You have a new article you did not save" in text
    assert "“Dam breaks” was kept while you wrote" in text
    restored = client.get(ADD_URL, {"desk_restore": "1"})
    form = restored.context["adminform"].form
    assert form["headline"].value() == "Dam breaks"
    assert "At dawn, the dam." in form["body"].value()
    assert f'data-autosave-url="{AUTOSAVE_NEW}"' in restored.content.decode()


def test_saving_the_new_article_ends_its_autosave(reporter, section):
    client = logged_in(reporter)
    client.post(AUTOSAVE_NEW, {"headline": "Dam breaks"})
    response = client.post(ADD_URL, article_form(section, headline="Dam breaks", slug="dam"))
    assert response.status_code == 302
    assert Article.objects.get().headline == "Dam breaks"
    assert not Autosave.objects.exists()
    assert "did not save" not in client.get(ADD_URL).content.decode()


def test_a_failed_first_save_keeps_the_autosave(reporter, section):
    client = logged_in(reporter)
    client.post(AUTOSAVE_NEW, {"headline": "Dam breaks"})
    response = client.post(ADD_URL, article_form(section, headline="", slug="dam"))
    assert response.status_code == 200
    assert Autosave.objects.filter(user=reporter, article=None).exists()


def test_discarding_the_new_articles_autosave(reporter):
    client = logged_in(reporter)
    client.post(AUTOSAVE_NEW, {"headline": "Dam breaks"})
    response = client.post(DISCARD_NEW)
    assert response.status_code == 302 and response.url == ADD_URL
    assert not Autosave.objects.exists()


def test_new_article_autosave_refusals(reporter, moderator):
    client = logged_in(reporter)
    assert client.get(AUTOSAVE_NEW).status_code == 405
    nul = client.post(AUTOSAVE_NEW, {"headline": "Dam\x00"})
    assert nul.status_code == 400 and "NUL" in nul.json()["error"]
    assert client.post(AUTOSAVE_NEW, {}).status_code == 400
    # Those who may not write articles keep nothing.
    assert logged_in(moderator).post(AUTOSAVE_NEW, {"headline": "Dam"}).status_code == 403
    assert not Autosave.objects.exists()


def test_each_writer_has_their_own_new_article_autosave(reporter, editor):
    logged_in(reporter).post(AUTOSAVE_NEW, {"headline": "Reporter's"})
    logged_in(editor).post(AUTOSAVE_NEW, {"headline": "Editor's"})
    page = logged_in(editor).get(ADD_URL).content.decode()
    assert "“Editor&#x27;s” was kept" in page
    assert "Reporter&#x27;s" not in page


def test_a_new_articles_section_lead_photo_and_its_words_are_kept_and_restored(reporter, section):
    photo = make_image(title="Harbour at dawn", uploaded_by=reporter)
    client = logged_in(reporter)
    typed = {
        "headline": "Dam breaks",
        "section": str(section.pk),
        "lead_image": str(photo.pk),
        "image_alt": "Water over the road",
        "image_caption": "The road to Derna",
        "image_credit": "Rita Reporter",
    }
    assert client.post(AUTOSAVE_NEW, typed).status_code == 200
    notice = client.get(ADD_URL).content.decode()
    assert "Harbour at dawn" in notice and "Middle East" in notice  # named in what differs
    assert "The photo file you were uploading is not kept" in notice
    form = client.get(ADD_URL, {"desk_restore": "1"}).context["adminform"].form
    for name, value in typed.items():
        assert str(form[name].value()) == value, name


def test_an_articles_new_section_is_offered_back_and_restored(reporter, own_draft):
    other = make_section(name="Economy", slug="economy")
    client = logged_in(reporter)
    assert autosave(client, own_draft, section=str(other.pk)).status_code == 200
    page = client.get(change_url(own_draft))
    assert "You have unsaved text from" in page.content.decode()
    diffs = {d.name: d for d in page.context["desk"]["autosave_diffs"]}
    assert diffs["section"].changed and "Economy" in str(diffs["section"].html)
    form = client.get(change_url(own_draft), {"desk_restore": "1"}).context["adminform"].form
    assert str(form["section"].value()) == str(other.pk)


def test_a_kept_photo_the_writer_may_no_longer_use_is_not_restored(
    reporter, own_draft, django_user_model
):
    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    private = make_image(title="A colleague's scoop", uploaded_by=colleague)
    client = logged_in(reporter)
    autosave(client, own_draft, dek="Ships are back.", lead_image=str(private.pk))
    page = client.get(change_url(own_draft)).content.decode()
    assert "You have unsaved text from" in page  # the summary differs
    assert "A colleague&#x27;s scoop" not in page
    form = client.get(change_url(own_draft), {"desk_restore": "1"}).context["adminform"].form
    assert form["dek"].value() == "Ships are back."
    assert not form["lead_image"].value()


def test_a_lead_photo_id_that_names_nothing_is_left_out_and_the_text_kept(reporter):
    client = logged_in(reporter)
    response = client.post(AUTOSAVE_NEW, {"headline": "Dam breaks", "lead_image": "abc"})
    assert response.status_code == 200
    kept = Autosave.objects.get(user=reporter)
    assert kept.data["headline"] == "Dam breaks" and "lead_image" not in kept.data


@pytest.mark.parametrize("version", ["abc", "999999", "²", "\u0661"])
def test_restoring_a_revision_that_is_not_there_is_not_found(client, editor, version):
    article = make_article(headline="Kept words")
    client.force_login(editor)
    assert client.post(url("restore", article, version)).status_code == 404
    article.refresh_from_db()
    assert article.headline == "Kept words"


# simple-history's pages of an article's past (newsroom/history_admin.py) -------------------


def history_url(article, version=None):
    if version is None:
        return reverse("admin:articles_article_history", args=[article.pk])
    return reverse("admin:articles_article_simple_history", args=[article.pk, version])


@pytest.mark.parametrize("status", [Article.Status.REVIEW, Article.Status.PUBLISHED])
def test_a_reporter_reads_the_old_versions_of_their_piece_they_may_no_longer_change(
    reporter, status
):
    article = make_article(headline="Port reopens", status=status, created_by=reporter)
    edit(article, reporter, headline="Port reopens after the storm")
    first = article.history.order_by("history_date").first()
    client = logged_in(reporter)
    assert client.get(history_url(article)).status_code == 200
    page = client.get(history_url(article, first.history_id))
    assert page.status_code == 200
    assert "Port reopens" in page.content.decode()
    assert 'name="headline"' not in page.content.decode()  # shown, not editable


def test_a_past_version_is_never_saved_from_its_page(reporter, editor):
    article = make_article(headline="Today's words", created_by=reporter)
    edit(article, editor, headline="Later words")
    first = article.history.order_by("history_date").first()
    for user in (reporter, editor):
        client = logged_in(user)
        page = client.get(history_url(article, first.history_id))
        assert page.status_code == 200
        assert 'name="headline"' not in page.content.decode()
        answer = client.post(history_url(article, first.history_id), {"headline": "Forced"})
        assert answer.status_code == 405
    article.refresh_from_db()
    assert article.headline == "Later words"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/articles/article/abc/history/",
        "/admin/articles/article/{pk}/history/abc/",
        "/admin/articles/article/abc/history/1/",
        "/admin/articles/article/{pk}/history/²/",
        "/admin/articles/liveentry/abc/history/",
        "/admin/articles/liveentry/1/history/abc/",
    ],
)
def test_history_addresses_that_are_not_numbers_are_not_found(editor, moderator, path):
    article = make_article()
    for user in (editor, moderator):
        assert logged_in(user).get(path.format(pk=article.pk)).status_code == 404


def test_a_colleagues_draft_has_no_history_for_a_reporter(reporter, django_user_model):
    from django.contrib.auth.models import Group

    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    colleague.groups.add(Group.objects.get(name="Reporter"))
    draft = make_article(status=Article.Status.DRAFT, created_by=colleague)
    version = draft.history.first().history_id
    client = logged_in(reporter)
    for path in (history_url(draft), history_url(draft, version)):
        assert client.get(path).status_code == 404  # as for a story that does not exist
    draft_pk = draft.pk
    draft.delete()
    assert client.get(reverse("admin:articles_article_history", args=[draft_pk])).status_code == 404


def test_who_changed_a_story_is_a_link_only_for_those_who_may_open_logins(
    editor, reporter, admin_user
):
    article = make_article(headline="Port reopens", created_by=reporter)
    edit(article, reporter, headline="Port reopens after the storm")
    user_page = reverse("admin:auth_user_change", args=[reporter.pk])
    assert user_page not in logged_in(editor).get(history_url(article)).content.decode()
    assert user_page in logged_in(admin_user).get(history_url(article)).content.decode()


def test_compare_shows_blocks_and_the_placement_a_restore_brings_back(client, editor, section):
    from articles.models import Section

    article = make_article(headline="Port reopens", body="<p>On Monday.</p>", section=section)
    other = Section.objects.create(name="Economy", slug="economy")
    embed = '<figure data-block="embed" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'
    edit(article, editor, body="<p>On Monday.</p>" + embed, dateline="TRIPOLI", section=other)
    older, newer = article.history.order_by("history_date")
    client.force_login(editor)
    page = client.get(url("compare", article), {"a": older.history_id, "b": newer.history_id})
    diffs = {d.name: d for d in page.context["diffs"]}
    assert diffs["body"].changed and "[Embed: https://www.youtube.com/watch?v=dQw4w9WgXcQ]" in str(
        diffs["body"].html
    )
    assert diffs["dateline"].changed and "TRIPOLI" in str(diffs["dateline"].html)
    assert diffs["section"].changed and "Economy" in str(diffs["section"].html)
    assert not diffs["headline"].changed and not diffs["authors"].changed


def test_restoring_a_revision_leaves_the_tags_as_they_are(client, editor):
    article = make_article(headline="First words", tags=["Harbour", "Gaza"])
    edit(article, editor, headline="Second words")
    first = article.history.order_by("history_date").first()
    client.force_login(editor)
    assert client.post(url("restore", article, first.history_id)).status_code == 302
    article.refresh_from_db()
    assert article.headline == "First words"
    assert sorted(article.tags.names()) == ["Gaza", "Harbour"]


# A save is one revision: the article's row and its byline ---------------------------------


def names_on_live_page(article):
    article.refresh_from_db()
    page = Client().get(article.get_absolute_url())
    assert page.status_code == 200
    byline = re.search(r'<span class="byline">(.*?)</span>', page.content.decode(), re.S)
    return re.findall(r">([^<]+)</a>", byline.group(1)) if byline else []


def added_through_the_form(client, section, author, **fields):
    data = article_form(section, authors=[author.pk], status="published", **fields)
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(slug=data["slug"])


def test_a_new_articles_first_revision_carries_the_byline_it_was_saved_with(editor, section):
    author = make_author(name="Amal Aziz")
    client = logged_in(editor)
    article = added_through_the_form(client, section, author)
    created = article.history.get()  # one save, one revision
    assert created.history_type == "+"
    assert list(created.authors.values_list("author_id", flat=True)) == [author.pk]


def test_restoring_the_first_revision_of_a_live_story_keeps_its_byline(editor, section):
    author = make_author(name="Amal Aziz")
    client = logged_in(editor)
    article = added_through_the_form(client, section, author)
    assert names_on_live_page(article) == ["Amal Aziz"]
    page = client.get(change_url(article))
    version = page.context["adminform"].form["desk_version"].value()
    data = form_for(article, desk_version=version, authors=[author.pk], headline="Changed")
    assert client.post(change_url(article), data).status_code == 302
    first, *_between, latest = article.history.order_by("history_date", "history_id")
    compare = client.get(url("compare", article), {"a": first.history_id, "b": latest.history_id})
    byline = {d.name: d for d in compare.context["diffs"]}["authors"]
    assert not byline.changed and "Amal Aziz" in str(byline.html)

    assert client.post(url("restore", article, first.history_id)).status_code == 302
    assert names_on_live_page(article) == ["Amal Aziz"]
    assert article.headline == "Ministers meet in Benghazi"


def test_restoring_a_revision_that_names_nobody_keeps_the_byline_and_says_so(client, editor):
    # Stories saved before a save was one revision: the first revision has no byline.
    article = make_article(headline="First words")
    bylines.arrange(article, [make_author(name="Amal Aziz")])
    edit(article, editor, headline="Second words")
    first, *_between, latest = article.history.order_by("history_date", "history_id")
    assert not first.authors.exists()
    client.force_login(editor)
    compare = client.get(url("compare", article), {"a": first.history_id, "b": latest.history_id})
    note = "The older revision names no byline: restoring it keeps the byline the story has now."
    assert note in compare.content.decode()
    response = client.post(url("restore", article, first.history_id), follow=True)
    assert "The byline stays as it is: that revision names nobody" in response.content.decode()
    assert names_on_live_page(article) == ["Amal Aziz"]
    assert article.headline == "First words"
    assert list(article.history.first().authors.values_list("author__name", flat=True)) == [
        "Amal Aziz"
    ]


def test_a_restore_that_changes_words_and_byline_is_one_revision(client, editor):
    amal, mo = make_author(name="Amal Aziz"), make_author(name="Mo Li")
    article = make_article(headline="First words", authors=[amal])
    edit(article, editor, headline="Second words")
    bylines.arrange(article, [mo])
    old = article.history.filter(headline="First words").first()  # signed by Amal
    count = article.history.count()
    client.force_login(editor)
    assert client.post(url("restore", article, old.history_id)).status_code == 302
    assert article.history.count() == count + 1
    restored = article.history.first()
    assert restored.headline == "First words"
    assert list(restored.authors.values_list("author_id", flat=True)) == [amal.pk]
    assert names_on_live_page(article) == ["Amal Aziz"]


# The blocks of a past version's body: a photo, a gallery, an embed, a quote, a fact box ----

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def body_with_blocks(photo, other):
    return (
        "<p>Before the blocks.</p>"
        f'<figure data-block="photo" data-image="{photo.pk}" data-caption="Rescuers at dawn">'
        "</figure>"
        f'<figure data-block="gallery" data-images="{photo.pk},{other.pk}"></figure>'
        f'<figure data-block="embed" data-url="{YOUTUBE}"></figure>'
        '<aside data-block="pullquote" data-quote="We will rebuild." data-attribution="Mayor">'
        "</aside>"
        '<aside data-block="factbox" data-title="Key facts" data-text="Three dead."></aside>'
        "<p>After the blocks.</p>"
    )


def test_a_past_version_shows_the_blocks_of_its_body(reporter, django_user_model):
    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    mine = make_image(title="Harbour at dawn", uploaded_by=reporter)
    private = make_image(title="A colleague's scoop", uploaded_by=colleague)
    article = make_article(
        status=Article.Status.DRAFT, created_by=reporter, body=body_with_blocks(mine, private)
    )
    edit(article, reporter, body="<p>All new.</p>")
    first = article.history.order_by("history_date").first()
    page = logged_in(reporter).get(history_url(article, first.history_id))
    assert page.status_code == 200
    text = page.content.decode()
    for named in (
        f"[Photo {mine.pk}: Rescuers at dawn]",
        f"[Gallery {mine.pk},{private.pk}]",
        f"[Embed: {YOUTUBE}]",
        "[Pull quote: We will rebuild.]",
        "[Fact box: Key facts]",
    ):
        assert named in text, named
    assert text.index("Before the blocks.") < text.index("[Photo") < text.index("After the")
    # Named by number and the block's own words: nothing of a photo the reader may not see.
    assert "A colleague&#x27;s scoop" not in text and private.file.name not in text


def test_the_history_says_which_block_a_save_removed(client, editor):
    photo = make_image(title="Harbour at dawn")
    body = "<p>The port reopened.</p>" + (
        f'<figure data-block="photo" data-image="{photo.pk}" data-caption="Rescuers"></figure>'
    )
    article = make_article(body=body)
    edit(article, editor, body="<p>The port reopened.</p>")
    client.force_login(editor)
    text = client.get(history_url(article)).content.decode()
    assert f"<strong>Body:</strong> [Photo {photo.pk}: Rescuers] removed</p>" in text
    assert "The port reopened.&nbsp;&rarr; The port reopened." not in text


def test_the_label_and_the_byline_in_its_order_are_autosaved_and_restored(reporter, own_draft):
    label = Label.objects.create(name="Field notes")
    amal, basim, carla = (make_author(name=name, slug=name.lower()) for name in NAMES)
    client = logged_in(reporter)
    autosave(client, own_draft, label=label.pk, authors=[carla.pk, amal.pk, 99999])
    assert Autosave.objects.get().data["authors"] == f"{carla.pk},{amal.pk}"
    page = client.get(change_url(own_draft)).content.decode()
    assert "You have unsaved text from" in page
    assert "Carla, Amal" in page and "Field notes" in page  # what differs, by name
    form = client.get(change_url(own_draft) + "?desk_restore=1").context["adminform"].form
    assert str(form["label"].value()) == str(label.pk)
    assert [int(pk) for pk in form["authors"].value()] == [carla.pk, amal.pk]
    amal.delete()  # an author deleted since is left out of the restored byline
    form = client.get(change_url(own_draft) + "?desk_restore=1").context["adminform"].form
    assert [int(pk) for pk in form["authors"].value()] == [carla.pk]
    assert basim.pk not in form["authors"].value()


def test_an_unchanged_byline_offers_nothing_back(reporter, own_draft):
    author = make_author(name="Dina", slug="dina")
    bylines.arrange(own_draft, [author])
    client = logged_in(reporter)
    autosave(client, own_draft, authors=[author.pk])
    assert "You have unsaved text" not in client.get(change_url(own_draft)).content.decode()
