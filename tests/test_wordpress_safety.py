"""`manage.py import_wordpress` on exports as they come from the wild: nothing meant to stay
private goes public, no old address leaks an embargoed story or sends readers elsewhere,
and what the import had to change is in its report. Exports are built here item by item
(``export()``, ``post()``); the full fixture and its helpers are test_wordpress_import's.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, WordPressObject

from .test_embargo import _form_data as admin_form_data
from .test_wordpress_import import article, run, table

pytestmark = pytest.mark.django_db

HOST = "https://bugle.example.com"
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="{ns}">
<channel>
<title>Daily Bugle</title>
<link>{host}</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{host}</wp:base_site_url>
<wp:base_blog_url>{host}</wp:base_blog_url>
<wp:author><wp:author_id>2</wp:author_id><wp:author_login>jjameson</wp:author_login>
<wp:author_display_name>J. Jonah Jameson</wp:author_display_name></wp:author>
<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>city</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>City</wp:cat_name></wp:category>
{terms}
"""


def meta(key, value):
    return (
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
    )


def post(
    wp_id,
    title,
    content="A story.",
    *,
    slug=None,
    status="publish",
    date="2021-03-04 10:20:30",
    gmt=None,
    categories=("city",),
    tags=(),
    post_type="post",
    parent=0,
    excerpt="",
    link=None,
    extra="",
):
    """One <item> as WordPress writes it; ``extra`` is inserted as it is (postmeta, comments)."""
    slug = f"post-{wp_id}" if slug is None else slug
    gmt = date if gmt is None else gmt
    link = link or f"{HOST}/{date[:4]}/{date[5:7]}/{date[8:10]}/{slug}/"
    cats = "".join(
        f'<category domain="category" nicename="{c}"><![CDATA[{c}]]></category>' for c in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{t}"><![CDATA[{t}]]></category>' for t in tags
    )
    return f"""<item>
<title><![CDATA[{title}]]></title>
<link>{link}</link>
<dc:creator>jjameson</dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date>{date}</wp:post_date>
<wp:post_date_gmt>{gmt}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status>
<wp:post_name><![CDATA[{slug}]]></wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_parent>{parent}</wp:post_parent>
<wp:post_type>{post_type}</wp:post_type>
{cats}
{extra}
</item>
"""


def comment(wp_id, content, *, parent=0, date="2021-03-05 08:00:00", gmt=None):
    gmt = date if gmt is None else gmt
    return f"""<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>
<wp:comment_author>Reader</wp:comment_author><wp:comment_date>{date}</wp:comment_date>
<wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{content}]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


@pytest.fixture
def export(tmp_path):
    """export(*items, terms="", ns=...) -> the path of a WordPress export holding them."""
    made = []

    def write(*items, terms="", ns="http://wordpress.org/export/1.2/", name=None):
        path = tmp_path / (name or f"export-{len(made)}.xml")
        head = HEAD.format(ns=ns, host=HOST, terms=terms)
        path.write_text(head + "".join(items) + "</channel>\n</rss>\n")
        made.append(path)
        return path

    return write


def problems(output):
    """The report's listed lines (skipped, failed, to check), one string: "kind #id title: …"."""
    marks = ("skipped", "FAILED", "check")
    lines = [line.split(None, 1) for line in output.splitlines() if line.startswith("  ")]
    return "\n".join(" ".join(rest.split()) for mark, rest in lines if mark in marks)


# What the file is ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "namespace",
    [
        "http://wordpress.org/export/1.0/",
        "http://wordpress.org/export/1.1/",
        "https://wordpress.org/export/1.2/",  # the theme unit test data binds wp: so
    ],
)
def test_an_export_is_read_whatever_version_and_scheme_its_wp_prefix_is_bound_to(export, namespace):
    output, failure = run(export=export(post(10, "City budget passes"), ns=namespace))
    assert failure is None
    assert table(output)["articles"]["created"] == 1
    assert article(10).headline == "City budget passes"


def test_a_file_naming_an_external_dtd_is_refused(tmp_path):
    hostile = tmp_path / "xxe-param.xml"
    hostile.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version></channel></rss>"
    )
    _output, failure = run(export=hostile)
    assert "Refused: the file declares a DTD" in failure
    assert not WordPressObject.objects.exists()


def test_blank_lines_before_the_xml_declaration_are_passed_over(export):
    """A plugin or theme printing blank lines into the export made it ill-formed XML, and
    the message sent the editor to export again, which gives the same file."""
    path = export(post(10, "City budget passes"))
    path.write_text("\n\n  \r\n" + path.read_text())
    output, failure = run(export=path)
    assert failure is None
    assert table(output)["articles"]["created"] == 1


def test_a_saved_web_page_is_named_as_one_not_as_an_attack(tmp_path):
    page = tmp_path / "export.xml"
    page.write_text("<!DOCTYPE html>\n<html><head><title>Export</title></head></html>\n")
    _output, failure = run(export=page)
    assert "This is a web page (HTML), not a WordPress export" in failure
    assert "billion laughs" not in failure
    assert not WordPressObject.objects.exists()


@pytest.mark.parametrize(
    "damage, says",
    [
        (
            lambda text: text.replace("City budget", "City\x01budget"),
            "a character or mark XML does not allow there, such as a control character",
        ),
        (
            lambda text: text.replace("<wp:status>", "<wpx:status>").replace(
                "</wp:status>", "</wpx:status>"
            ),
            "uses a prefix (such as “wp:”) that the file never declares",
        ),
        (lambda text: text[: text.index("A story.")], "cut off while downloading"),
    ],
)
def test_a_file_that_is_not_xml_says_what_is_wrong_with_it(export, damage, says):
    path = export(post(10, "City budget passes"))
    path.write_text(damage(path.read_text()))
    _output, failure = run(export=path)
    assert "The file is not well-formed XML at line" in failure and says in failure
    if "cut off" not in says:
        assert "cut off" not in failure
    assert not Article.objects.exists()


def test_a_media_folder_that_does_not_exist_is_an_error_before_anything_is_written(
    export, tmp_path
):
    _output, failure = run("--media-dir", str(tmp_path / "nowhere"), export=export(post(10, "A")))
    assert "There is no folder" in failure and "nowhere" in failure
    assert not Article.objects.exists() and not WordPressObject.objects.exists()


# Nothing private goes public ----------------------------------------------------------------


PROTECTED = meta("_edit_lock", "1") + "<wp:post_password><![CDATA[hunter2]]></wp:post_password>"


def test_a_password_protected_post_comes_in_as_a_draft_and_is_listed_for_a_decision(client, export):
    path = export(
        post(
            210,
            "Members only: secret memo",
            "The SECRET protected text.",
            slug="secret-memo",
            extra=PROTECTED + comment(601, "A comment on the memo"),
        )
    )
    output, failure = run(export=path)
    memo = article(210)
    assert memo.status == Article.Status.DRAFT and not memo.is_published()
    assert (
        "#210 Members only: secret memo: password-protected in WordPress: imported as a draft"
        in (problems(output))
    )
    assert failure is None  # nothing failed: it waits for a decision
    for address in ("/2021/03/04/secret-memo/", "/?p=210", "/feed/", "/search/?q=SECRET"):
        assert "SECRET protected" not in client.get(address).content.decode(), address
    assert client.get("/?p=210").status_code == 404
    assert not Article.objects.published().exists()
    output, _failure = run(export=path)  # again: unchanged, nothing more to decide
    assert table(output)["articles"]["unchanged"] == 1
    assert "#210" not in problems(output)


def test_a_password_protected_page_is_not_imported(client, export):
    page = post(
        300,
        "Staff handbook",
        "SECRET handbook",
        post_type="page",
        categories=(),
        link=f"{HOST}/handbook/",
        extra=PROTECTED,
    )
    output, _failure = run(export=export(page))
    assert client.get("/handbook/").status_code == 404
    assert "#300 Staff handbook: password-protected in WordPress, which a flat page cannot be" in (
        problems(output)
    )


# A scheduled story's old addresses ------------------------------------------------------------


def test_a_scheduled_storys_old_addresses_give_nothing_away_until_it_is_live(client, export):
    scheduled = post(
        225,
        "Minister resigns",
        "Embargoed until 2031.",
        slug="minister-resigns",
        status="future",
        date="2031-06-01 09:00:00",
        link=f"{HOST}/2031/06/minister-resigns/",
    )
    run(export=export(scheduled, post(10, "City budget passes", slug="city-budget")))
    story = article(225)
    assert story.status == Article.Status.PUBLISHED and not story.is_published()
    old = ["/?p=225", "/2031/06/minister-resigns/", "/2031/06/minister-resigns/feed/"]
    for address in [*old, "/2031/", "/2031/06/", "/2031/06/01/"]:
        response = client.get(address)
        assert response.status_code == 404, address
        assert "minister" not in response.get("Location", ""), address
    assert client.get("/2021/03/").status_code == 301  # a live story's archive: as before
    with time_machine.travel(story.publish_at + timedelta(minutes=1)):
        for address in old:
            response = client.get(address)
            assert response.status_code == 301, address
            assert response["Location"] == story.get_absolute_url()


# No old address sends readers elsewhere --------------------------------------------------------


def page(wp_id, title, link, content="A page."):
    return post(wp_id, title, content, post_type="page", categories=(), link=link)


def test_double_slashes_in_old_addresses_make_no_protocol_relative_redirect(client, export):
    path = export(
        page(40, "Greek", f"{HOST}//greek/history/", "Ελληνικά."),
        page(41, "Evil double slash", f"{HOST}//evil.example.net/x/"),
    )
    run(export=path)
    assert client.get("/greek/history/").status_code == 200
    response = client.get("/?page_id=40")
    assert response.status_code == 301 and response["Location"] == "/greek/history/"
    response = client.get("/?page_id=41")
    assert response.status_code == 301 and response["Location"] == "/evil.example.net/x/"
    assert client.get("/evil.example.net/x/").status_code == 200  # a page here, not a host
    assert not FlatPage.objects.filter(url__startswith="//").exists()
    assert not Redirect.objects.exclude(new_path__startswith="/").exists()
    assert not Redirect.objects.filter(new_path__startswith="//").exists()


@pytest.mark.parametrize(
    "target", ["//evil.example.net/x/", "https://evil.example.net/", "/\\evil.example.net"]
)
def test_a_redirect_off_the_site_is_never_written(target):
    from django.contrib.sites.models import Site

    from articles.wordpress import addresses

    outcomes = list(addresses.save_redirects(Site.objects.get_current(), [("/old/", target)]))
    assert [outcome for _path, outcome, _reason in outcomes] == ["skipped"]
    assert "off this site" in outcomes[0][2]
    assert not Redirect.objects.exists()


# Every imported story saves unchanged in the admin --------------------------------------------


def saves_unchanged(client, story):
    """The story's admin change form, submitted as the browser shows it: the response."""
    url = reverse("admin:articles_article_change", args=[story.pk])
    data = admin_form_data(client.get(url))
    data["_continue"] = "Save and continue editing"
    return client.post(url, data)


def test_a_non_latin_slug_becomes_one_the_admin_accepts_and_the_old_link_redirects(
    client, editor, export
):
    arabic = "%d8%ae%d8%a8%d8%b1-%d8%b9%d8%a7%d8%ac%d9%84"
    path = export(
        post(216, "خبر عاجل", "نص عربي", slug=arabic),
        post(222, "🔥 Fire at the docks 🚒", slug="%f0%9f%94%a5-fire"),
    )
    run(export=path)
    assert article(216).slug == "story-216"  # nothing Latin in the title either
    assert article(222).slug == "fire-at-the-docks"
    response = client.get(f"/2021/03/04/{arabic}/")
    assert response.status_code == 301
    assert response["Location"] == article(216).get_absolute_url()
    client.force_login(editor)
    for wp_id in (216, 222):
        saved = saves_unchanged(client, article(wp_id))
        assert saved.status_code == 302, saved.content.decode()[:2000]


def test_a_story_beyond_the_admin_forms_limits_is_cut_to_fit_and_the_report_says_so(
    client, editor, export
):
    tags = [f"tag-{n:02d}" for n in range(1, 56)]  # as unit test post 1152: too many
    long = post(204, "T" * 10000, excerpt="E" * 500, tags=tags, slug="long-title")
    output, failure = run(export=export(long))
    assert failure is None
    story = article(204)
    assert story.headline == "T" * 200 and story.dek == "E" * 400
    assert sorted(story.tags.values_list("name", flat=True)) == tags[:50]
    listed = problems(output)
    assert "headline cut to 200 characters (it had 10000)" in listed
    assert "summary (the excerpt) cut to 400 characters (it had 500)" in listed
    assert (
        "5 tags and categories left out, a story having at most 50: "
        "tag-51, tag-52, tag-53, tag-54, tag-55"
    ) in listed
    client.force_login(editor)
    saved = saves_unchanged(client, story)
    assert saved.status_code == 302, saved.content.decode()[:2000]


def test_an_untitled_post_is_headlined_with_its_first_words_never_its_number(client, export):
    output, _failure = run(
        export=export(
            post(
                201,
                "",
                "<p>Council <b>approves</b> the budget for the new harbour wall at last.</p>",
            ),
            post(230, "", '[gallery ids="1,2"]', slug=""),
        )
    )
    assert article(201).headline == "Council approves the budget for the new harbour wall at…"
    assert article(230).headline == "Untitled (WordPress post 230)"
    assert article(230).slug == "untitled-wordpress-post-230"
    listed = problems(output)
    assert (
        "#201 Council approves the budget for the new harbour wall at…: "
        "no title in WordPress: headlined with its first words"
    ) in listed
    assert "#230 Untitled (WordPress post 230): no title in WordPress, nor any text" in listed
    home = client.get("/").content.decode()
    assert "Council approves the budget" in home and "#201" not in home


# Pages ------------------------------------------------------------------------------------------


def test_a_flat_page_the_import_did_not_make_is_left_alone_and_the_clash_reported(client, export):
    from django.contrib.sites.models import Site

    ours = FlatPage.objects.create(url="/about/", title="Our story", content="<p>Ours.</p>")
    ours.sites.add(Site.objects.get_current())
    output, _failure = run(export=export(page(300, "About us", f"{HOST}/about/", "Theirs.")))
    ours.refresh_from_db()
    assert (ours.title, ours.content) == ("Our story", "<p>Ours.</p>")
    assert "Ours." in client.get("/about/").content.decode()
    assert "#300 About us: its address /about/ is already the flat page “Our story”" in (
        problems(output)
    )
    assert table(output)["pages"]["skipped"] == 1
    assert client.get("/?page_id=300").status_code == 404


def test_a_flat_page_whose_photo_failed_is_not_rewritten_on_every_run(export):
    missing = f'<img src="{HOST}/wp-content/uploads/2021/03/missing.jpg" alt="Mayor">'
    path = export(page(300, "About us", f"{HOST}/about/", f"<p>Hello.</p>{missing}"))
    run(export=path)
    output, _failure = run(export=path)
    assert table(output)["pages"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "skipped": 0,
        "errors": 0,
    }


def test_the_attachment_pages_of_a_page_redirect_to_the_page(client, export):
    photo = post(
        310,
        "Clearing floats",
        post_type="attachment",
        categories=(),
        parent=300,
        link=f"{HOST}/about/clearing-floats/photo-slug/",
    )
    run(export=export(page(300, "Clearing floats", f"{HOST}/about/clearing-floats/"), photo))
    for old in ("/about/clearing-floats/photo-slug/", "/?attachment_id=310"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == "/about/clearing-floats/"


# The same ID twice, dates WordPress left empty ----------------------------------------------------


def test_a_second_item_with_the_same_id_is_skipped_and_a_rerun_changes_nothing(export):
    path = export(
        post(202, "Duplicate ID first", "First body", slug="dup-first"),
        post(202, "Duplicate ID second", "Second body", slug="dup-second"),
    )
    output, _failure = run(export=path)
    assert article(202).headline == "Duplicate ID first"
    assert Article.objects.count() == 1
    assert "#202 Duplicate ID second: a second item with WordPress ID 202 in the file" in (
        problems(output)
    )
    history = article(202).history.count()
    output, _failure = run(export=path)
    assert table(output)["articles"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "skipped": 1,
        "errors": 0,
    }
    assert article(202).history.count() == history


def test_a_published_post_without_a_usable_date_comes_in_as_a_draft_never_dated_now(client, export):
    zero = "0000-00-00 00:00:00"
    output, failure = run(
        export=export(
            post(205, "Zero date published", date=zero, gmt=zero, link=f"{HOST}/?p=205"),
            post(
                227, "Bad date", date="2021-13-45 99:99:99", gmt="not a date", link=f"{HOST}/?p=227"
            ),
            post(228, "Local date only", date="2019-02-03 10:00:00", gmt=zero, slug="local"),
        )
    )
    assert failure is None
    for wp_id in (205, 227):
        story = article(wp_id)
        assert story.status == Article.Status.DRAFT and story.publish_at is None
    assert "#205 Zero date published: no usable date in WordPress" in problems(output)
    assert "#227 Bad date: no usable date in WordPress (“not a date”, “2021-13-45 99:99:99”)" in (
        problems(output)
    )
    local = article(228)  # post_date_gmt zero: post_date, in the site's time zone
    assert local.is_published()
    assert timezone.localtime(local.publish_at).strftime("%Y-%m-%d %H:%M") == "2019-02-03 10:00"
    home = client.get("/").content.decode()
    assert "Zero date published" not in home and "Bad date" not in home


def test_comments_without_a_date_are_dated_as_their_story_and_listed(export):
    from comments.models import Comment

    zero = "0000-00-00 00:00:00"
    comments = comment(508, "Zero-date comment", date=zero, gmt=zero) + comment(
        509, "Local date", date="2021-03-06 12:00:00", gmt=zero
    )
    output, _failure = run(export=export(post(206, "Story", extra=comments)))
    story = article(206)
    dated = Comment.objects.get(body="Zero-date comment")
    assert dated.created_at == story.publish_at
    assert "#508 comment by Reader: no usable date in WordPress: dated as its story" in (
        problems(output)
    )
    local = Comment.objects.get(body="Local date")
    assert timezone.localtime(local.created_at).strftime("%Y-%m-%d %H:%M") == "2021-03-06 12:00"


def test_a_comment_answering_itself_comes_in_top_level_and_stays_so(export):
    from comments.models import Comment

    path = export(post(206, "Story", extra=comment(511, "Self-parent loop", parent=511)))
    run(export=path)
    assert Comment.objects.get(body="Self-parent loop").parent is None
    output, _failure = run(export=path)
    assert Comment.objects.get(body="Self-parent loop").parent is None
    assert table(output)["comments"]["unchanged"] == 1


def test_a_comment_too_long_to_keep_whole_is_cut_and_listed(export):
    from comments.models import Comment

    output, _failure = run(export=export(post(206, "Story", extra=comment(509, "L" * 10000))))
    assert len(Comment.objects.get().body) == 5000
    assert "#509 comment by Reader: cut to 5000 characters (it had 10000)" in problems(output)


# Names and addresses already taken ---------------------------------------------------------------


def test_two_long_category_names_alike_in_their_first_characters_make_two_sections(export):

    long = "Very long category name " * 13
    terms = "".join(
        f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>long-{x}"
        f"</wp:category_nicename><wp:category_parent></wp:category_parent>"
        f"<wp:cat_name>{long}{x.upper()}</wp:cat_name></wp:category>"
        for n, x in ((6, "a"), (7, "b"))
    )
    output, failure = run(
        export=export(
            post(1, "In A", categories=("long-a",)),
            post(2, "In B", categories=("long-b",)),
            terms=terms,
        )
    )
    assert failure is None
    a, b = article(1).section, article(2).section
    assert a != b and a.slug == "long-a" and b.slug == "long-b"
    assert len(a.name) <= 80 and len(b.name) <= 80
    assert b.name.endswith("(long-b)")
    assert "name cut to 80 characters" in problems(output)
    assert table(output)["sections"]["errors"] == 0


def test_old_slugs_redirect_to_the_story(client, export):
    renamed = post(
        211,
        "Renamed story",
        slug="new-name",
        extra=meta("_wp_old_slug", "old-name") + meta("_wp_old_slug", "older-name"),
    )
    run(export=export(renamed))
    story = article(211)
    for old in ("/2021/03/04/old-name/", "/2021/03/04/older-name/", "/2021/03/04/old-name/feed/"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == story.get_absolute_url()


def test_an_old_permalink_that_is_an_existing_storys_address_is_reported(client, export):
    from .conftest import make_article

    ours = make_article(
        headline="Our budget story",
        slug="city-budget",
        publish_at=timezone.make_aware(timezone.datetime(2021, 3, 4, 12, 0)),
    )
    assert ours.get_absolute_url() == "/2021/03/04/city-budget/"
    output, _failure = run(export=export(post(203, "City budget passes", slug="city-budget")))
    imported = article(203)
    assert imported.slug == "city-budget-2"
    assert (
        "#203 City budget passes: its old address /2021/03/04/city-budget/ is the address of "
        "“Our budget story” here, which readers following an old link will see: it came in at "
        "/2021/03/04/city-budget-2/"
    ) in problems(output)
    assert "Our budget story" in client.get("/2021/03/04/city-budget/").content.decode()


# The report tells what a run wrote -----------------------------------------------------------


def test_a_story_rolled_back_by_an_interruption_is_not_counted(monkeypatch, export):
    from articles.wordpress import importer as importer_module

    real = importer_module.Importer.post_redirects
    calls = []

    def interrupted(self, item, wp_id, story):
        calls.append(wp_id)
        if len(calls) == 3:  # after the third story is saved and counted, before its commit
            raise KeyboardInterrupt
        return real(self, item, wp_id, story)

    monkeypatch.setattr(importer_module.Importer, "post_redirects", interrupted)
    output, failure = run(export=export(*(post(n, f"Story {n}") for n in (1, 2, 3, 4))))
    assert "run the same command again to carry on" in failure
    assert Article.objects.count() == 2
    assert table(output)["articles"]["created"] == 2


def test_a_dry_run_counts_images_as_the_real_run_writes_them(export, tmp_path):
    from .test_wordpress_import import jpeg

    (tmp_path / "uploads/2021/03").mkdir(parents=True)
    (tmp_path / "uploads/2021/03/quay.jpg").write_bytes(jpeg())
    photo = post(
        100,
        "quay",
        post_type="attachment",
        categories=(),
        extra=meta("_wp_attached_file", "2021/03/quay.jpg"),
    )
    inline = f'<img src="{HOST}/wp-content/uploads/2021/03/quay.jpg" alt="The quay">'
    path = export(
        photo,
        *(post(n, f"Story {n}", inline, extra=meta("_thumbnail_id", "100")) for n in (1, 2, 3)),
    )
    media = ("--media-dir", str(tmp_path / "uploads"))
    dry, _failure = run(*media, "--dry-run", export=path)
    real, _failure = run(*media, export=path)
    assert table(dry)["images"] == table(real)["images"]
    assert table(real)["images"]["created"] == 1


# Running it again after the desk has worked ------------------------------------------------------


def test_a_story_edited_here_is_left_as_it_is_by_a_reimport_and_listed(export):
    run(export=export(post(230, "Fire at the docks", "First."), post(231, "Other", "Other.")))
    story = article(230)
    story.headline = "Fire at the docks: two hurt"  # the desk's correction, in the admin
    story.save()
    output, failure = run(
        export=export(post(230, "Fire at the docks!", "First, longer."), post(231, "Other", "New."))
    )
    assert failure is None
    assert article(230).headline == "Fire at the docks: two hurt"
    assert "<p>First.</p>" in article(230).body
    assert (
        "#230 Fire at the docks: two hurt: edited here since it was imported: left as it is; "
        "WordPress's version differs"
    ) in problems(output)
    assert article(231).body == "<p>New.</p>"  # an untouched story still follows WordPress
    assert table(output)["articles"]["updated"] == 1
    assert table(output)["articles"]["unchanged"] == 1


def test_a_story_edited_here_stays_so_when_another_post_changes(export):
    run(export=export(post(232, "Bridge closed", "Text."), post(233, "Other", "Other.")))
    story = article(232)
    story.headline = "Bridge closed until June"
    story.save()
    output, _failure = run(
        export=export(post(232, "Bridge closed", "Text."), post(233, "Other", "Changed."))
    )
    assert article(232).headline == "Bridge closed until June"
    assert "edited here" not in problems(output)  # WordPress's version did not change


def test_a_flat_page_edited_here_is_left_as_it_is_by_a_reimport_and_listed(export):
    run(export=export(page(301, "About us", f"{HOST}/about/", "<p>Old.</p>")))
    about = FlatPage.objects.get(url="/about/")
    about.content = "<p>Ours now.</p>"
    about.save()
    output, _failure = run(export=export(page(301, "About us", f"{HOST}/about/", "<p>New.</p>")))
    assert FlatPage.objects.get(url="/about/").content == "<p>Ours now.</p>"
    assert "#301 About us: edited here since it was imported: left as it is" in problems(output)


def test_a_comment_moderated_here_is_left_as_it_is_by_a_reimport_and_listed(export):
    from comments.models import Comment

    run(export=export(post(234, "Story", extra=comment(520, "Nice."))))
    moderated = Comment.objects.get(body="Nice.")
    moderated.status = Comment.Status.REJECTED
    moderated.save()
    output, _failure = run(export=export(post(234, "Story", extra=comment(520, "Nice!"))))
    assert Comment.objects.get(pk=moderated.pk).status == Comment.Status.REJECTED
    assert Comment.objects.get(pk=moderated.pk).body == "Nice."
    assert "#520 comment by Reader: edited here since it was imported: left as it is" in (
        problems(output)
    )


# Old addresses the redirect table cannot hold, and the sub-addresses of old ones ----------------


LONG_ARABIC = "%d8%ae%d8%a8%d8%b1" * 11  # 33 letters: 198 characters, as WordPress caps them


def test_a_long_non_latin_permalink_redirects_to_the_story(client, export):
    output, failure = run(export=export(post(240, "خبر", "نص", slug=LONG_ARABIC)))
    assert failure is None
    old = f"/2021/03/04/{LONG_ARABIC}/"
    assert len(old) > 200
    assert "longer than" not in problems(output)
    for path in (old, old + "feed/"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == article(240).get_absolute_url()
    output, _failure = run(export=export(post(240, "خبر", "نص", slug=LONG_ARABIC)))
    assert table(output)["redirects"]["created"] == 0
    assert table(output)["redirects"]["updated"] == 0


def test_a_long_permalink_of_a_scheduled_story_gives_nothing_away(client, export):
    soon = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    run(export=export(post(241, "خبر", "نص", slug=LONG_ARABIC, status="future", date=soon)))
    response = client.get(f"/{soon[:4]}/{soon[5:7]}/{soon[8:10]}/{LONG_ARABIC}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "old, new",
    [
        ("/2021/03/04/post-242/2/", "story"),  # a post split with <!--nextpage-->
        ("/2021/03/04/post-242/comment-page-1/", "story"),
        ("/2021/03/04/post-242/amp/", "story"),
        ("/2021/03/04/post-242/feed/", "story"),
        ("/2021/03/04/%d8%ae%d8%a8%d8%b1/2/", 244),  # the story is at another address here
        ("/2021/03/04/%d8%ae%d8%a8%d8%b1/amp/", 244),
        ("/2021/03/04/%d8%ae%d8%a8%d8%b1/?amp=1", 244),
        ("/page/2/", "/"),
        ("/category/city/page/2/", "/section/city/"),
        ("/tag/harbour/page/3/", "/tag/harbour/"),
        ("/wp-sitemap.xml", "/sitemap.xml"),
        ("/sitemap_index.xml", "/sitemap.xml"),
    ],
)
def test_old_sub_addresses_redirect_where_their_page_went(client, export, old, new):
    run(
        export=export(
            post(242, "Harbour news", tags=("harbour",)),
            post(244, "خبر", slug="%d8%ae%d8%a8%d8%b1"),
        )
    )
    stories = {"story": article(242).get_absolute_url(), 244: article(244).get_absolute_url()}
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == stories.get(new, new)


@pytest.mark.parametrize(
    "old",
    [
        "/nothing-here/page/2/",
        "/section/no-such-section/page/2/",
        "/tag/no-such-tag/page/2/",
        "/2021/03/04/no-such-post/2/",
        "/2021/03/04/post-243/2/3/",
        "/2021/03/04/no-such-post/?amp=1",
    ],
)
def test_sub_addresses_of_unknown_addresses_stay_404(client, export, old):
    run(export=export(post(243, "Harbour news")))
    assert client.get(old).status_code == 404


def test_an_attachment_page_used_by_several_posts_redirects_to_its_parent_on_every_run(
    client, export
):
    photo = post(9, "Harbour photo", post_type="attachment", categories=(), parent=251)
    path = export(
        post(250, "Uses the photo too", extra=meta("_thumbnail_id", 9)),
        post(251, "The photo's own post", extra=meta("_thumbnail_id", 9)),
        post(252, "Uses it as well", extra=meta("_thumbnail_id", 9)),
        photo,
    )
    run(export=path)
    response = client.get("/?attachment_id=9")
    assert response.status_code == 301
    assert response["Location"] == article(251).get_absolute_url()
    output, _failure = run(export=path)
    assert table(output)["redirects"]["updated"] == 0
    assert client.get("/?attachment_id=9")["Location"] == article(251).get_absolute_url()


def test_comments_that_come_in_top_level_are_listed(export):
    from comments.models import Comment

    comments = comment(530, "Answers itself", parent=530) + comment(531, "Orphan", parent=999)
    output, _failure = run(export=export(post(253, "Story", extra=comments)))
    assert Comment.objects.get(body="Orphan").parent is None
    listed = problems(output)
    assert "#530 comment by Reader: answers itself in WordPress: came in top-level" in listed
    assert (
        "#531 comment by Reader: answers comment 999, which did not come in: came in top-level"
    ) in listed
