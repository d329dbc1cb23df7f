"""`manage.py import_wordpress`: a WordPress newsroom moves in whole, and its old links keep
working (tests/fixtures/wordpress/export.xml is a WordPress 6 export written for these tests).
"""

import functools
import http.server
import io
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.core import mail
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from taggit.models import Tag

from articles import body_blocks
from articles.models import Article, Author, Image, Section, WordPressObject
from articles.wordpress import importer as importer_module
from comments.models import Comment

from .conftest import Terminal

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
EXPORT = FIXTURES / "export.xml"
GPS_IFD = 0x8825


def jpeg(size=(640, 420), color=(30, 90, 140), gps=False):
    """A JPEG; with ``gps``, carrying a camera's GPS position and make, as phones write it."""
    image = PILImage.new("RGB", size, color)
    exif = PILImage.Exif()
    if gps:
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0110] = "Pocket 12"  # Model
        location = exif.get_ifd(GPS_IFD)
        location.update({1: "N", 2: (32.0, 7.0, 0.0), 3: "E", 4: (20.0, 4.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path):
    """A copy of the old site's wp-content/uploads: one photo missing, one not a photo."""
    root = tmp_path / "uploads"
    (root / "2023/05").mkdir(parents=True)
    (root / "2023/06").mkdir(parents=True)
    (root / "2023/05/harbour.jpg").write_bytes(jpeg(gps=True))
    (root / "2023/05/market.jpg").write_bytes(jpeg(color=(200, 120, 40)))
    (root / "2023/05/gallery-one.jpg").write_bytes(jpeg(color=(10, 120, 40)))
    (root / "2023/05/gallery-two.jpg").write_bytes(jpeg(color=(90, 20, 140)))
    (root / "2023/06/chart.jpg").write_bytes(jpeg(color=(250, 250, 250)))
    (root / "2023/06/notes.jpg").write_bytes(b"These are my notes, not a photo.\n")
    return root


def run(*args, export=EXPORT):
    """The command's output and whether it ended in failure (non-zero exit)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_wordpress", str(export), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def table(output):
    """The summary table: {kind: {outcome: n}}."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() and line.split()[0] == "created")
    outcomes = lines[start].split()
    rows = {}
    for line in lines[start + 1 :]:
        kind, *numbers = line.split() or [""]
        if len(numbers) != len(outcomes) or not all(n.isdigit() for n in numbers):
            break
        rows[kind] = dict(zip(outcomes, map(int, numbers), strict=True))
    return rows


def snapshot():
    """Everything an import writes, as comparable values."""
    return {
        "articles": sorted(
            Article.objects.values_list(
                "pk",
                "headline",
                "slug",
                "dek",
                "body",
                "status",
                "publish_at",
                "section_id",
                "lead_image_id",
                "updated_at",
            )
        ),
        "sections": sorted(Section.objects.values_list("pk", "name", "slug", "description")),
        "authors": sorted(Author.objects.values_list("pk", "name", "slug")),
        "tags": sorted(Tag.objects.values_list("pk", "name", "slug")),
        "images": sorted(Image.objects.values_list("pk", "file", "alt", "caption", "credit")),
        "comments": sorted(
            Comment.objects.values_list("pk", "parent_id", "status", "body", "created_at")
        ),
        "pages": sorted(FlatPage.objects.values_list("pk", "url", "title", "content")),
        "redirects": sorted(Redirect.objects.values_list("old_path", "new_path")),
        "mapping": WordPressObject.objects.count(),
    }


def article(wp_id):
    row = WordPressObject.objects.get(kind="post", wp_id=str(wp_id))
    return Article.objects.get(pk=row.object_id)


def comment(wp_id):
    row = WordPressObject.objects.get(kind="comment", wp_id=str(wp_id))
    return Comment.objects.get(pk=row.object_id)


@pytest.fixture
def imported(uploads):
    output, failure = run("--media-dir", str(uploads))
    return output, failure


# Every object lands right --------------------------------------------------------------------


def test_authors_become_bylines_and_no_login_is_created(imported):
    assert set(Author.objects.values_list("name", "slug")) == {
        ("Amira Haddad", "amira"),
        ("Jean Dupont", "jdupont"),
        ("Guest Writer", "guest-writer"),
    }
    assert get_user_model().objects.count() == 0
    harbour = article(10)
    assert [a.name for a in harbour.authors.order_by("name")] == ["Amira Haddad", "Guest Writer"]
    assert [a.name for a in article(11).authors.all()] == ["Jean Dupont"]


def test_categories_become_sections_with_their_slugs_and_descriptions(imported):
    sections = {s.slug: s for s in Section.objects.all()}
    assert {"news", "libya", "world", "economy"} <= set(sections)
    assert sections["libya"].description == "Reporting from Libya & its coast."
    # A non-Latin slug our section addresses cannot carry: a new one; the old address redirects.
    arabic = Section.objects.get(name="متفرقات")
    assert arabic.slug == "category-4"
    old = Redirect.objects.get(old_path="/category/%D9%85%D8%AA%D9%81%D8%B1%D9%82%D8%A7%D8%AA/")
    assert old.new_path == "/section/category-4/"


def test_primary_category_is_the_section_and_the_others_become_tags(imported):
    harbour = article(10)
    assert harbour.section.slug == "libya"  # Yoast's primary, though listed second
    assert set(harbour.tags.values_list("name", flat=True)) == {"Élections", "Harbour", "World"}


def test_tags_keep_their_accents_and_slugs(client, imported):
    assert Tag.objects.get(slug="elections").name == "Élections"
    assert Tag.objects.get(slug="economie").name == "Économie"
    # An Arabic slug is kept: the old address is the new one, percent-encoded as browsers
    # send it, and answers at once.
    assert Tag.objects.get(name="ليبيا").slug == "ليبيا"
    page = client.get("/tag/%d9%84%d9%8a%d8%a8%d9%8a%d8%a7/")
    assert page.status_code == 200 and "ليبيا" in page.content.decode()


def test_statuses_map_and_nothing_unpublished_goes_public(imported):
    assert article(10).status == Article.Status.PUBLISHED and article(10).is_published()
    scheduled = article(13)
    assert scheduled.status == Article.Status.PUBLISHED and not scheduled.is_published()
    assert scheduled.publish_at.isoformat() == "2030-03-01T07:00:00+00:00"
    assert article(14).status == Article.Status.DRAFT
    assert article(15).status == Article.Status.REVIEW
    assert article(16).status == Article.Status.DRAFT  # private: never public
    assert not WordPressObject.objects.filter(kind="post", wp_id__in=["17", "19"]).exists()
    live = set(Article.objects.published().values_list("headline", flat=True))
    assert "Private notes from the desk" not in live and "Elections next spring" not in live


def test_titles_and_excerpts_are_entity_decoded_and_dates_come_from_gmt(imported):
    harbour = article(10)
    assert harbour.headline == "Harbour reopens & fishermen return"
    assert harbour.dek == "The port is open & the boats are back."
    assert harbour.publish_at.isoformat() == "2023-05-14T06:30:00+00:00"
    assert article(11).headline == "L’économie & la « crise »"


def test_percent_encoded_arabic_slug_becomes_one_our_addresses_carry(client, imported):
    arabic = article(12)
    assert arabic.slug == "story-12"  # what the admin's slug field accepts
    response = client.get(arabic.get_absolute_url())
    assert response.status_code == 200
    assert "عاد الصيادون إلى ميناء بنغازي" in response.content.decode()


def test_featured_image_comes_in_with_alt_caption_credit_and_no_gps(imported):
    photo = article(10).lead_image
    assert photo.alt == "Fishing boats moored at the quay in Benghazi"
    assert photo.caption == "Boats back at the quay at dawn"
    assert photo.credit == "Amira Haddad"
    assert photo.renditions, "renditions made, as for an admin upload"
    with photo.file.open("rb") as stored:
        exif = PILImage.open(stored).getexif()
    assert not exif.get_ifd(GPS_IFD) and 0x010F not in exif


def test_block_editor_images_gallery_and_embed_become_body_blocks(imported):
    body = article(10).body
    market = Image.objects.get(alt="The fish market at noon")
    one = Image.objects.get(alt="Nets drying on the quay")
    two = Image.objects.get(title="gallery-two")
    assert (
        f'<figure data-block="photo" data-image="{market.pk}" data-width="full" '
        'data-caption="The market, busy &amp; loud"></figure>'
    ) in body
    assert f'<figure data-block="gallery" data-images="{one.pk},{two.pk}"></figure>' in body
    assert (
        '<figure data-block="embed" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "</figure>"
    ) in body
    assert "<h2>What the fishermen say</h2>" in body
    assert "wp:" not in body and "wp-image" not in body and "oldmonitor" not in body


def test_classic_body_gets_paragraphs_images_embeds_and_loses_scripts(imported):
    body = article(11).body
    assert "<p>Les prix du poisson ont doublé en un an.<br>" in body
    assert "script" not in body and "alert" not in body and "onclick" not in body
    assert "evil.example" not in body
    assert "<strong>important</strong>" in body
    assert '[contact-form-7 id="5" title="Contact"]' in body  # unknown: left as text
    chart = Image.objects.get(alt="Prix du poisson")  # an inline image, imported too
    assert chart.title == "Prix du poisson"
    assert chart.width == 640  # the original, not the 300x200 copy the body showed
    assert f'<figure data-block="photo" data-image="{chart.pk}" data-width="full">' in body
    one, two = Image.objects.filter(title__startswith="gallery-").order_by("title")
    assert f'data-images="{one.pk},{two.pk}"' in body  # [gallery ids="102,103"]
    assert '<figure data-block="embed" data-url="https://vimeo.com/76979871">' in body
    assert "lost-photo" not in body  # its file is missing: reported, left out


def test_body_blocks_render_for_readers(client, imported):
    page = client.get(article(10).get_absolute_url()).content.decode()
    assert "The market, busy &amp; loud" in page
    assert 'alt="The fish market at noon"' in page
    assert "data-block" not in page


def test_internal_links_point_at_the_new_addresses(imported):
    harbour, economy, arabic = article(10), article(11), article(12)
    assert f'href="{economy.get_absolute_url()}"' in harbour.body  # /?p=11, a later post
    assert f'href="{arabic.get_absolute_url()}"' in harbour.body  # an old permalink
    assert f'href="{harbour.get_absolute_url()}"' in economy.body
    assert 'href="https://elsewhere.example/"' in economy.body
    assert 'href="/section/category-4/"' in arabic.body  # www. and an encoded category
    assert "oldmonitor.example/20" not in harbour.body + economy.body


def test_comments_keep_threads_statuses_and_dates_without_emails_or_spam_rules(imported):
    first, reply, reply_to_reply = comment(501), comment(502), comment(503)
    assert first.article == article(10) and first.parent is None
    assert reply.parent == first and reply_to_reply.parent == reply
    assert reply.body == "Agreed with Salem.\n\nMy father fished here."
    assert first.body == "Good news at last & about time."
    assert first.website == "https://salem.example.net" and first.email == "salem@example.net"
    assert first.created_at.isoformat() == "2023-05-14T08:00:00+00:00"
    assert [comment(i).status for i in (501, 504, 505, 506)] == [
        Comment.Status.APPROVED,
        Comment.Status.PENDING,
        Comment.Status.SPAM,
        Comment.Status.REJECTED,
    ]
    assert Comment.objects.count() == 6  # the pingback and the trashed post's comment skipped
    assert not Comment.objects.exclude(spam_signals="").exists()
    assert mail.outbox == []


def test_approved_comments_show_on_the_article_page_and_the_others_do_not(client, imported):
    page = client.get(article(10).get_absolute_url()).content.decode()
    assert "My father fished here." in page
    assert "Still waiting for moderation." not in page and "Buy now" not in page


def test_pages_become_flat_pages_at_their_old_address(client, imported):
    assert FlatPage.objects.get(url="/about-us/").title == "About us"
    response = client.get("/about-us/team/")
    assert response.status_code == 200
    assert "Amira, Jean and the desk." in response.content.decode()
    about = client.get("/about-us/").content.decode()
    assert "<p>We are a small newsroom on the coast.</p>" in about


def test_the_report_counts_each_kind_and_names_every_skipped_or_failed_item(imported):
    output, failure = imported
    counts = table(output)
    assert counts["articles"] == {
        "created": 8,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
        "errors": 0,
    }
    assert counts["pages"]["created"] == 2
    assert counts["sections"]["created"] == 5
    assert counts["comments"] == {
        "created": 6,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
        "errors": 0,
    }
    assert counts["images"]["created"] == 5 and counts["images"]["errors"] == 2
    assert "#17 Binned story: in the trash" in output
    assert "#19 Fishing rod, carbon: unknown post type “product”" in output
    assert "#507 comment by Another Blog: a pingback, not a comment" in output
    assert "2023/06/lost-photo.jpg is missing from the media folder" in output
    assert "#105 notes: 2023/06/notes.jpg: This file is not an image" in output
    assert "[contact-form-7] × 1 (in #11)" in output
    # A missing or broken photo fails its image, not its article: the exit status says so.
    assert failure and "2 item(s) failed" in failure
    assert article(22).lead_image is None and article(22).is_published()


# Idempotent and resumable --------------------------------------------------------------------


def test_running_twice_changes_nothing(uploads, imported):
    before = snapshot()
    output, _failure = run("--media-dir", str(uploads))
    assert snapshot() == before
    counts = table(output)
    assert all(row["created"] == 0 and row["updated"] == 0 for row in counts.values())
    assert counts["articles"]["unchanged"] == 8 and counts["comments"]["unchanged"] == 6


def test_what_the_desk_deleted_is_not_brought_back_by_another_run(client, uploads, imported):
    """A story, a comment and a tag deleted after the import came back, the story live,
    with the same file run again before the switch, as the README advises."""
    story, spam, page = article(10), comment(505), FlatPage.objects.get(url="/about-us/")
    tag = story.tags.first()
    for gone in (spam, tag, page):
        gone.delete()
    output, _failure = run("--media-dir", str(uploads))
    assert not Comment.objects.filter(body=spam.body).exists()
    assert not Tag.objects.filter(name=tag.name).exists()
    assert not FlatPage.objects.filter(url="/about-us/").exists()
    deleted = [line for line in output.splitlines() if "deleted here since it was imported" in line]
    assert len(deleted) == 3 and any("#505 " in line for line in deleted)

    url = story.get_absolute_url()
    story.delete()  # its comments with it
    output, _failure = run("--media-dir", str(uploads))
    assert not Article.objects.filter(headline=story.headline).exists()
    assert client.get(url).status_code == 404
    assert not Comment.objects.filter(article__isnull=True).exists()
    assert table(output)["articles"]["created"] == 0
    assert table(output)["comments"]["created"] == 0
    assert "#10 Harbour reopens & fishermen return: deleted here since it was imported" in output


def test_a_changed_export_updates_what_changed(tmp_path, uploads, imported):
    changed = tmp_path / "changed.xml"
    changed.write_text(EXPORT.read_text().replace("Elections next spring", "Elections next summer"))
    output, _failure = run("--media-dir", str(uploads), export=changed)
    assert article(13).headline == "Elections next summer"
    assert table(output)["articles"] == {
        "created": 0,
        "updated": 1,
        "unchanged": 7,
        "skipped": 2,
        "errors": 0,
    }
    assert Article.objects.count() == 8


def test_a_run_stopped_half_way_completes_on_the_second(monkeypatch, uploads):
    real = importer_module.Importer.import_post
    calls = []

    def interrupted(self, item, wp_id, title):
        calls.append(wp_id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, item, wp_id, title)

    monkeypatch.setattr(importer_module.Importer, "import_post", interrupted)  # Ctrl-C
    output, failure = run("--media-dir", str(uploads))
    assert "run the same command again to carry on" in failure
    assert table(output)["articles"]["created"] == 2
    assert Article.objects.count() == 2
    assert not Article.objects.filter(headline__startswith="ميناء").exists()  # not half of it
    monkeypatch.setattr(importer_module.Importer, "import_post", real)
    output, _failure = run("--media-dir", str(uploads))
    assert Article.objects.count() == 8
    assert Comment.objects.count() == 6 and Image.objects.count() == 5
    counts = table(output)
    assert counts["articles"]["created"] == 6 and counts["articles"]["unchanged"] == 2


def test_a_large_import_ends_by_saying_to_compact_the_search_indexes(uploads, monkeypatch):
    from articles.management.commands import import_wordpress

    monkeypatch.setattr(import_wordpress, "COMPACT_AFTER", 8)  # the export's 8 stories
    dry_output, _failure = run("--media-dir", str(uploads), "--dry-run")
    assert "rebuild_search_index" not in dry_output  # nothing was written
    output, _failure = run("--media-dir", str(uploads))
    assert "8 stories written: compact the search indexes now" in output
    assert "manage.py rebuild_search_index --compact-only" in output
    output, _failure = run("--media-dir", str(uploads))  # again: every story unchanged
    assert "rebuild_search_index" not in output


def test_dry_run_reports_and_writes_nothing(uploads):
    output, _failure = run("--media-dir", str(uploads), "--dry-run")
    assert "Dry run: nothing was written" in output
    assert table(output)["articles"]["created"] == 8
    assert Article.objects.count() == Comment.objects.count() == Image.objects.count() == 0
    assert not Redirect.objects.exists() and not WordPressObject.objects.exists()


# Old addresses -------------------------------------------------------------------------------


def test_every_old_address_answers_301_to_a_page_that_answers_200(client, imported):
    old = list(Redirect.objects.values_list("old_path", "new_path"))
    assert len(old) > 30
    for old_path, new_path in old:
        response = client.get(old_path)
        if response.status_code == 200:  # one of our own pages answers there already
            continue
        if response.status_code == 404:  # a scheduled story's: nothing given away yet
            assert article_at(new_path).publish_at.year == 2030, old_path
            assert client.get(new_path).status_code == 404
            continue
        assert response.status_code == 301, old_path
        assert response["Location"] == new_path
        target = client.get(new_path)
        assert target.status_code == 200, (old_path, new_path)


@pytest.mark.parametrize(
    "old_path, wp_id",
    [
        ("/2023/05/harbour-reopens/", 10),
        ("/?p=10", 10),
        ("/?attachment_id=100", 10),
        ("/2023/05/harbour-reopens/harbour/", 10),
        ("/2023/05/harbour-reopens/feed/", 10),
        ("/2023/06/%d9%85%d9%8a%d9%86%d8%a7%d8%a1-%d8%a8%d9%86%d8%ba%d8%a7%d8%b2%d9%8a/", 12),
        ("/2023/06/%D9%85%D9%8A%D9%86%D8%A7%D8%A1-%D8%A8%D9%86%D8%BA%D8%A7%D8%B2%D9%8A/", 12),
    ],
)
def test_old_post_addresses_redirect_to_the_article(client, imported, old_path, wp_id):
    response = client.get(old_path)
    assert response.status_code == 301
    assert response["Location"] == article(wp_id).get_absolute_url()


@pytest.mark.parametrize(
    "old_path, new_path",
    [
        ("/category/news/libya/", "/section/libya/"),
        ("/category/libya/", "/section/libya/"),
        ("/category/news/libya/feed/", "/section/libya/feed/"),
        ("/?cat=2", "/section/libya/"),
        ("/?page_id=20", "/about-us/"),
        ("/?author=2", "/author/jdupont/"),
        ("/feed/rss2/", "/feed/"),
        ("/comments/feed/", "/feed/"),
        ("/2023/05/", "/"),
        ("/2023/", "/"),
    ],
)
def test_old_site_addresses_redirect_to_the_nearest_page(client, imported, old_path, new_path):
    response = client.get(old_path)
    assert response.status_code == 301
    assert response["Location"] == new_path
    assert client.get(new_path).status_code == 200


def test_drafts_get_no_old_address(client, imported):
    assert client.get("/?p=14").status_code == 404
    assert client.get("/2023/07/private-notes/").status_code == 404


def test_permalink_structure_option_adds_the_addresses_it_implies(client, uploads):
    run("--media-dir", str(uploads), "--permalink-structure", "/archives/%post_id%")
    response = client.get("/archives/11")
    assert response.status_code == 301
    assert response["Location"] == article(11).get_absolute_url()


# Bad input -----------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&lol9;</title><wp:post_type>post</wp:post_type></item></channel></rss>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&secret;</title><wp:post_type>post</wp:post_type></item></channel></rss>
"""


@pytest.mark.parametrize(
    "content, message",
    [
        (BILLION_LAUGHS, "billion laughs"),
        (EXTERNAL_ENTITY, "billion laughs"),
        ("<html><body>Not an export</body></html>", "root element is <html>"),
        ("<rss><channel><title>A feed</title><item/></channel></rss>", "no wp:wxr_version"),
        ("Just some text, not XML at all.", "not well-formed XML at line 1"),
        ("", "not well-formed XML"),
    ],
)
def test_unsafe_or_foreign_files_are_refused_with_a_clear_message(tmp_path, content, message):
    export = tmp_path / "export.xml"
    export.write_text(content)
    _output, failure = run(export=export)
    assert failure is not None and message in failure
    assert "Traceback" not in failure
    assert not Article.objects.exists() and not WordPressObject.objects.exists()


def test_a_truncated_export_is_refused_before_anything_is_written(tmp_path):
    data = EXPORT.read_text()
    export = tmp_path / "cut.xml"
    export.write_text(data[: int(len(data) * 0.7)])
    _output, failure = run(export=export)
    assert "cut off while downloading" in failure
    assert not Article.objects.exists() and not Section.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    _output, failure = run(export=tmp_path / "nowhere.xml")
    assert "Cannot read" in failure


def test_an_unknown_default_section_is_refused(uploads):
    _output, failure = run("--default-section", "nope")
    assert "no section with the slug “nope”" in failure
    assert not Article.objects.exists()


def test_a_post_with_broken_html_still_comes_in_clean(tmp_path):
    broken = EXPORT.read_text().replace(
        "Scheduled for later.", "<p><b>Unclosed <i>tags <div><script>x()</p></b> & more"
    )
    export = tmp_path / "broken.xml"
    export.write_text(broken)
    run(export=export)
    body = article(13).body
    assert "Unclosed" in body and "script" not in body and "x()" not in body


# Images over HTTP ----------------------------------------------------------------------------


@pytest.fixture
def uploads_server(uploads):
    handler = functools.partial(QuietHandler, directory=str(uploads))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_images_can_be_fetched_over_http_with_a_size_limit(settings, uploads_server, uploads):
    output, _failure = run("--media-url-base", uploads_server)
    assert article(10).lead_image.alt == "Fishing boats moored at the quay in Benghazi"
    assert "lost-photo.jpg: HTTP 404" in output


def test_an_image_over_the_size_limit_is_reported_not_stored(settings, uploads_server):
    settings.NEWSROOM_MAX_UPLOAD_MB = 0  # every file is too large
    output, failure = run("--media-url-base", uploads_server)
    assert "larger than the upload limit" in output
    assert not Image.objects.exists() and Article.objects.count() == 8
    assert failure


# Helpers for the body tests ------------------------------------------------------------------


def article_at(path):
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    return Article.objects.get(slug=slug)


# Options and output --------------------------------------------------------------------------


def test_flatten_puts_child_categories_posts_in_the_top_level_section(client, uploads):
    run("--media-dir", str(uploads), "--flatten")
    economy = article(11)
    assert economy.section.slug == "world"
    assert "Economy" in set(economy.tags.values_list("name", flat=True))
    assert not Section.objects.filter(slug="economy").exists()
    response = client.get("/category/world/economy/")
    assert response.status_code == 301 and response["Location"] == "/section/world/"


def test_a_progress_bar_is_drawn_on_a_terminal_only(uploads):
    terminal, log = Terminal(), io.StringIO()
    for stderr in (terminal, log):
        with pytest.raises(CommandError):
            call_command(
                "import_wordpress", str(EXPORT), "--media-dir", str(uploads),
                stdout=io.StringIO(), stderr=stderr,
            )  # fmt: skip
    assert "\r[" + "#" * 40 + "] 18/18 items" in terminal.getvalue()
    assert log.getvalue() == ""


def test_the_benchmark_export_generator_writes_an_export_that_imports(tmp_path):
    from tests.bench.wordpress import write_export

    export = tmp_path / "generated.xml"
    write_export(export, 40)
    output, failure = run(export=export)
    assert failure is None
    assert table(output)["articles"]["created"] == 40
    assert Comment.objects.count() == sum(n % 4 for n in range(1, 41))


def test_a_staff_users_byline_is_never_taken_over(uploads, reporter):
    own = Author.objects.create(name="Amira (staff)", slug="amira", user=reporter)
    run("--media-dir", str(uploads))
    imported = article(10).authors.get(name="Amira Haddad")
    assert imported != own and imported.user is None
    assert not Article.objects.editable_by(reporter).exists()


def test_embeds_are_looked_up_once_each_at_the_end_not_after_every_story(
    uploads, monkeypatch, django_capture_on_commit_callbacks
):
    from articles import embeds

    looked_up = []

    def fetch(url):
        looked_up.append(url)
        return embeds.Embed.objects.create(url=url, provider=embeds.provider_for(url).key)

    monkeypatch.setattr(embeds, "fetch", fetch)
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        output, _failure = run("--media-dir", str(uploads))
    in_bodies = {
        url
        for body in Article.objects.values_list("body", flat=True)
        for url in body_blocks.embed_urls(body)
    }
    assert in_bodies and sorted(looked_up) == sorted(in_bodies)  # each once
    assert f"Embeds: {len(in_bodies)} looked up" in output
    # Nothing was left to fetch after each story's own save.
    assert not [
        c
        for c in after_commit
        if getattr(c, "func", None) is not None and "fetch_embeds" in c.func.__name__
    ]
