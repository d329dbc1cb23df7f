"""Blocks inside an article body: stored by reference, sanitised on every save path, rendered
for readers through the one image path, facades for embeds, and the library's bookkeeping."""

import http.server
import json
import os
import re
import threading
from html import escape, unescape

import pytest
from django.test import override_settings
from django.urls import reverse

from articles import embeds
from articles.models import Article, BodyImage, Embed
from articles.models import Image as LibraryImage

from .conftest import jpeg_bytes, make_article, make_image
from .test_admin import ADD_URL, article_form

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
X_POST = "https://x.com/newsroom/status/1234567890123456789"


def photo_block(photo, **attrs):
    extra = "".join(f' data-{name}="{value}"' for name, value in attrs.items())
    return f'<figure data-block="photo" data-image="{photo.pk}"{extra}></figure>'


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# Storage: exactly the blocks, by reference, on every save path -----------------------------


def test_each_block_is_stored_by_reference_without_urls_or_markup():
    photo = make_image(caption="Library caption")
    body = (
        f'<figure data-block="photo" data-image="{photo.pk}" data-width="wide" '
        f'data-caption="Rescuers at dawn"><img src="https://evil.example/x.jpg"></figure>'
        f'<figure data-block="gallery" data-images="{photo.pk}, {photo.pk}"></figure>'
        f'<figure data-block="embed" data-url="{YOUTUBE}">ignored</figure>'
        '<aside data-block="pullquote" data-quote="We will rebuild." data-attribution="Mayor">'
        "</aside>"
        '<aside data-block="factbox" data-title="Key facts" data-text="Three dead."></aside>'
    )
    article = make_article(body=body)
    stored = Article.objects.get(pk=article.pk).body
    assert stored == (
        f'<figure data-block="photo" data-image="{photo.pk}" data-width="wide" '
        'data-caption="Rescuers at dawn"></figure>'
        f'<figure data-block="gallery" data-images="{photo.pk}"></figure>'
        f'<figure data-block="embed" data-url="{YOUTUBE}"></figure>'
        '<aside data-block="pullquote" data-quote="We will rebuild." '
        'data-attribution="Mayor"></aside>'
        '<aside data-block="factbox" data-title="Key facts" data-text="Three dead."></aside>'
    )
    assert "/media/" not in stored and "evil.example" not in stored


HOSTILE = (
    '<p onclick="steal()">Text</p><script>alert(1)</script><style>p{}</style>'
    '<iframe src="https://evil.example/"></iframe>'
    '<figure data-block="photo" data-image="1 OR 1=1" onload="x()"></figure>'
    '<figure data-block="video" data-url="https://evil.example/v"></figure>'
    '<aside data-block="factbox" data-text="ok" data-article="javascript:alert(1)" '
    'style="color:red" class="x"></aside>'
    '<figure data-block="embed" data-url="https://evil.example/watch?v=1"></figure>'
    '<img src="https://evil.example/pixel.gif"><a href="javascript:alert(1)">link</a>'
)


def assert_clean(body):
    assert "script" not in body and "style" not in body and "iframe" not in body
    assert "onclick" not in body and "onload" not in body and "javascript:" not in body
    assert 'data-block="video"' not in body and "1 OR 1=1" not in body and "<img" not in body
    assert 'class="x"' not in body
    # A fact box keeps its text without the bad link; an unknown embed is a plain link.
    assert '<aside data-block="factbox" data-text="ok"></aside>' in body
    assert '<a href="https://evil.example/watch?v=1">' in body
    assert '<figure data-block="embed"' not in body


def test_the_sanitiser_strips_everything_else_on_create_save_update_and_bulk_update():
    created = make_article(body=HOSTILE)
    assert_clean(Article.objects.get(pk=created.pk).body)

    saved = make_article()
    saved.body = HOSTILE
    saved.save()
    assert_clean(Article.objects.get(pk=saved.pk).body)

    updated = make_article()
    Article.objects.filter(pk=updated.pk).update(body=HOSTILE)
    assert_clean(Article.objects.get(pk=updated.pk).body)

    bulk = make_article()
    bulk.body = HOSTILE
    Article.objects.bulk_update([bulk], ["body"])
    assert_clean(Article.objects.get(pk=bulk.pk).body)


def test_the_sanitiser_applies_to_the_admin_form(client, editor, section):
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(section, body=HOSTILE))
    assert response.status_code == 302
    assert_clean(Article.objects.get().body)


def test_tables_headings_lists_and_links_are_kept():
    body = (
        "<h2>Heading</h2><ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>q</p>"
        '</blockquote><p><a href="https://example.org/">link</a> <strong>b</strong> <em>i</em>'
        "</p><table><tbody><tr><th>Party</th><td>Seats</td></tr></tbody></table>"
    )
    stored = make_article(body=body).body
    for piece in (
        "<h2>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        'href="https://example.org/"',
        "<strong>",
        "<em>",
        "<table>",
        "<th>Party</th>",
    ):
        assert piece in stored


def test_word_and_google_docs_markup_keeps_structure_and_drops_the_rest():
    pasted = (
        '<p class="MsoNormal" style="margin:0"><b>Bold</b> and <i>italic</i><o:p></o:p></p>'
        '<h2 style="color:red">Sub</h2><span style="font-family:Arial">plain</span>'
    )
    stored = make_article(body=pasted).body
    assert "MsoNormal" not in stored and "style" not in stored and "o:p" not in stored
    assert "<h2>Sub</h2>" in stored and "plain" in stored


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("<h1>Main heading</h1>", "<h2>Main heading</h2>"),
        ('<h1 class="Title">Main heading</h1>', "<h2>Main heading</h2>"),
        ("<h5>Small print</h5>", "<h4>Small print</h4>"),
        ("<h6>Smaller print</h6>", "<h4>Smaller print</h4>"),
        ("<p>An &lt;h1&gt; written out</p>", "<p>An &lt;h1&gt; written out</p>"),
        # A classic WordPress post's bold and italic were lost to plain text.
        (
            "<p><b>Bold</b> and <i>italic</i></p>",
            "<p><strong>Bold</strong> and <em>italic</em></p>",
        ),
        ('<p><b style="color:red">Red</b></p>', "<p><strong>Red</strong></p>"),
    ],
)
def test_a_heading_level_the_body_has_no_place_for_becomes_the_nearest_it_has(written, stored):
    assert make_article(body=written).body == stored


def test_a_fact_boxs_line_breaks_are_kept_and_shown_as_lines(client):
    article = make_article(
        body='<aside data-block="factbox" data-title="Key facts" data-text="'
        "Length:   2 km.\r\nCost: $40m.\n\n\n\n&lt;b&gt;Opens&lt;/b&gt; in 2029.  \n"
        '"></aside>'
    )
    text = "Length: 2 km.\nCost: $40m.\n\n&lt;b&gt;Opens&lt;/b&gt; in 2029."
    assert f'data-text="{text}"' in article.body
    assert article.body == make_article(body=article.body).body  # saved again: the same
    html = page(client, article)
    assert "<p>Length: 2 km.<br>Cost: $40m.<br><br>&lt;b&gt;Opens&lt;/b&gt; in 2029.</p>" in html


def test_a_pull_quotes_and_a_captions_line_breaks_are_kept_and_shown_as_lines(client):
    photo = make_image()
    article = make_article(
        body='<aside data-block="pullquote" data-quote="We stay.\nWe rebuild.\n\n\nWe wait."'
        ' data-attribution="A  fisherman"></aside>'
        f'<figure data-block="photo" data-image="{photo.pk}" data-caption="The quay at dawn.\n'
        'Photo taken from the old lighthouse."></figure>'
    )
    assert 'data-quote="We stay.\nWe rebuild.\n\nWe wait."' in article.body
    assert 'data-attribution="A fisherman"' in article.body
    assert article.body == make_article(body=article.body).body  # saved again: the same
    html = page(client, article)
    assert "<p>We stay.<br>We rebuild.<br><br>We wait.</p>" in html
    assert "The quay at dawn.<br>Photo taken from the old lighthouse." in html


# Reading: each block as readers see it ------------------------------------------------------


def test_a_body_photo_renders_through_the_image_path_with_srcset_caption_and_credit(client):
    photo = make_image(caption="Library caption", credit="Photo: A. Reporter")
    article = make_article(body=f"<p>Before.</p>{photo_block(photo, width='inset')}<p>After.</p>")
    html = page(client, article)
    figure = re.search(r'<figure class="body-photo body-photo--inset">.*?</figure>', html, re.S)
    assert figure, html
    figure = figure.group(0)
    assert "<picture>" in figure and 'type="image/webp"' in figure and " 640w" in figure
    assert 'sizes="(max-width: 640px) 100vw, 320px"' in figure
    assert 'loading="lazy"' in figure and 'width="' in figure and 'height="' in figure
    assert f'alt="{photo.alt}"' in figure
    assert "Library caption" in figure and "Photo: A. Reporter" in figure


def test_a_caption_set_on_the_block_wins_over_the_library_caption(client):
    photo = make_image(caption="Library caption")
    article = make_article(body=photo_block(photo, caption="Taken at noon"))
    html = page(client, article)
    assert "Taken at noon" in html and "Library caption" not in html


def test_a_photo_gone_from_disk_degrades_to_its_caption(client):
    photo = make_image(caption="Flooded street")
    article = make_article(body=photo_block(photo))
    photo.refresh_from_db()  # now at its public name: a published story shows it
    os.remove(photo.file.path)
    html = page(client, article)
    figure = re.search(r'<figure class="body-photo[^"]*">.*?</figure>', html, re.S).group(0)
    assert "Flooded street" in figure and "<img" not in figure


def test_a_photo_deleted_from_the_library_behind_its_back_is_not_an_error(client):
    photo = make_image(caption="Gone")
    article = make_article(body=photo_block(photo, caption="Still described"))
    BodyImage.objects.filter(image=photo).delete()
    LibraryImage.objects.filter(pk=photo.pk).delete()
    assert "Still described" in page(client, article)


def test_a_gallery_is_a_keyboard_reachable_list_of_captioned_photos(client):
    first = make_image(caption="First")
    second = make_image(caption="Second")
    article = make_article(
        body=f'<figure data-block="gallery" data-images="{second.pk},{first.pk}"></figure>'
    )
    html = page(client, article)
    gallery = re.search(r'<figure class="gallery">.*?</ul></figure>', html, re.S).group(0)
    assert 'tabindex="0"' in gallery and "Gallery of 2 photos" in gallery
    assert gallery.index("Second") < gallery.index("First")
    assert gallery.count("<picture>") == 2


def test_an_embed_is_a_facade_that_requests_nothing_from_the_provider(client):
    article = make_article(
        body=f'<figure data-block="embed" data-url="{YOUTUBE}"></figure>'
        f'<figure data-block="embed" data-url="{X_POST}"></figure>'
    )
    html = page(client, article)
    assert "<iframe" not in html and '<script src="http' not in html
    # The provider appears only as a link and as the player the button would load.
    srcs = re.findall(r'\ssrc="([^"]+)"', html)
    assert not [src for src in srcs if "youtube" in src or "twitter" in src or "x.com" in src]
    assert f'href="{YOUTUBE}"' in html and f'href="{X_POST}"' in html
    assert (
        'data-embed-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in html
    )
    assert (
        'data-embed-player="https://platform.twitter.com/embed/Tweet.html?id=1234567890123456789"'
        in html
    )


def player_of(client, address):
    """The player a reader's "play" button loads for an embed of ``address``, or None when the
    address was not kept as an embed."""
    block = f'<figure data-block="embed" data-url="{escape(address)}"></figure>'
    found = re.search(r'data-embed-player="([^"]*)"', page(client, make_article(body=block)))
    return found and unescape(found.group(1))


def embed_check(client, address):
    return client.get(reverse("admin:articles_article_embed_check"), {"url": address}).json()


VIMEO_PLAYER = "https://player.vimeo.com/video/76979871?autoplay=1"
UNLISTED_PLAYER = "https://player.vimeo.com/video/76979871?h=8272103f6e&autoplay=1"
YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"


def test_an_unlisted_vimeo_video_plays_with_its_privacy_hash(client):
    # Vimeo wants the hash before any other parameter, or it answers "private video".
    assert player_of(client, "https://vimeo.com/76979871/8272103f6e") == UNLISTED_PLAYER
    assert player_of(client, "https://vimeo.com/76979871/8272103f6e/") == UNLISTED_PLAYER
    assert player_of(client, "https://vimeo.com/76979871") == VIMEO_PLAYER


def test_vimeos_player_channel_and_group_addresses_embed_the_same_video(client, reporter):
    client.force_login(reporter)
    addresses = {
        "https://player.vimeo.com/video/76979871": VIMEO_PLAYER,
        "https://player.vimeo.com/video/76979871?h=8272103f6e": UNLISTED_PLAYER,
        "https://player.vimeo.com/video/76979871?badge=0&h=8272103f6e": UNLISTED_PLAYER,
        "https://vimeo.com/channels/staffpicks/76979871": VIMEO_PLAYER,
        "https://vimeo.com/groups/x/videos/76979871": VIMEO_PLAYER,
        "https://vimeo.com/showcase/11223344/video/76979871": VIMEO_PLAYER,
    }
    for address, player in addresses.items():
        assert embed_check(client, address) == {"ok": True, "provider": "Vimeo"}, address
        assert player_of(client, address) == player, address


def test_a_youtube_address_keeps_its_start_time(client):
    start = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start={}&autoplay=1"
    addresses = {
        "https://youtu.be/dQw4w9WgXcQ?t=42": start.format(42),
        "https://youtu.be/dQw4w9WgXcQ?si=AbC-12_x&t=42": start.format(42),
        f"{YOUTUBE}&t=1m30s": start.format(90),
        f"{YOUTUBE}&t=90s": start.format(90),
        f"{YOUTUBE}&start=90": start.format(90),
        f"{YOUTUBE}&t=1h2m3s": start.format(3723),
        "https://www.youtube.com/embed/dQw4w9WgXcQ?start=90": start.format(90),
        # A time YouTube cannot read either: the video plays from the start.
        f"{YOUTUBE}&t=soon": YOUTUBE_PLAYER,
        f"{YOUTUBE}&t=0": YOUTUBE_PLAYER,
    }
    for address, player in addresses.items():
        assert player_of(client, address) == player, address


def test_every_youtube_spelling_embeds_the_video(client, reporter):
    client.force_login(reporter)
    for address in (
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://youtube.com/shorts/dQw4w9WgXcQ?feature=share",
        "https://www.youtube.com/live/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ):
        assert embed_check(client, address) == {"ok": True, "provider": "YouTube"}, address
        assert player_of(client, address) == YOUTUBE_PLAYER, address


def assert_refused(client, address):
    """The editor says the address cannot be embedded, and a body holding it anyway keeps it
    as a plain link: no player is ever built from it."""
    answer = embed_check(client, address)
    assert not answer["ok"] and "plain link" in answer["message"], address
    article = make_article(
        body=f'<figure data-block="embed" data-url="{escape(address)}"></figure>'
    )
    body = Article.objects.get(pk=article.pk).body
    assert '<figure data-block="embed"' not in body and "<a href=" in body, address
    assert "data-embed-player" not in page(client, article), address


def test_a_vimeo_address_with_a_malformed_id_or_hash_stays_a_plain_link(client, reporter):
    client.force_login(reporter)
    for address in (
        "https://vimeo.com/76979871/8272103f6",  # a hash one digit short
        "https://vimeo.com/76979871/not-a-hash",
        "https://vimeo.com/76979871abc",
        "https://player.vimeo.com/video/76979871?h=8272103f6e%22%3E",
        "https://player.vimeo.com/video/76979871?h=8272103f6e&h=0123456789",
        "https://player.vimeo.com/76979871",
        "https://vimeo.com/channels/staffpicks",
    ):
        assert_refused(client, address)


def test_a_youtube_address_with_a_malformed_id_stays_a_plain_link(client, reporter):
    client.force_login(reporter)
    for address in (
        "https://youtu.be/dQw4w9WgXcQQ",  # twelve characters: another video, or none
        "https://youtu.be/dQw4w9WgXc\u00e9",
        "https://www.youtube-nocookie.com/watch?v=dQw4w9WgXcQ",
    ):
        assert_refused(client, address)


def test_the_public_csp_allows_only_the_providers_players_as_frames(client):
    article = make_article()
    policy = client.get(article.get_absolute_url())["Content-Security-Policy"]
    frame = re.search(r"frame-src ([^;]+)", policy).group(1)
    assert "https://www.youtube-nocookie.com" in frame and "https://player.vimeo.com" in frame
    assert "'unsafe-inline'" not in policy.split("style-src")[0]
    script = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "youtube" not in script and "twitter" not in script


def test_pull_quote_and_fact_box_render_with_a_link_only_to_a_published_story(client):
    live = make_article(headline="Ceasefire agreed")
    draft = make_article(headline="Secret draft", status=Article.Status.DRAFT)
    article = make_article(
        body='<aside data-block="pullquote" data-quote="We will rebuild." '
        'data-attribution="The mayor"></aside>'
        f'<aside data-block="factbox" data-title="Background" data-text="Line one" '
        f'data-article="{live.pk}"></aside>'
        f'<aside data-block="factbox" data-title="Other" data-text="Line two" '
        f'data-article="{draft.pk}"></aside>'
    )
    html = page(client, article)
    assert "<blockquote><p>We will rebuild.</p></blockquote>" in html
    assert "<figcaption>The mayor</figcaption>" in html
    assert "Read more: Ceasefire agreed" in html and live.get_absolute_url() in html
    assert "Line two" in html and "Secret draft" not in html


def test_renaming_a_fact_box_story_renews_the_page_that_links_it(client):
    linked = make_article(headline="Old headline")
    article = make_article(
        body=f'<aside data-block="factbox" data-text="See" data-article="{linked.pk}"></aside>'
    )
    assert "Old headline" in page(client, article)
    linked.headline = "New headline"
    linked.save()
    assert "New headline" in page(client, article)


def test_editing_a_body_photo_in_the_library_renews_the_story(client):
    photo = make_image(caption="Before the edit")
    article = make_article(body=photo_block(photo))
    assert "Before the edit" in page(client, article)
    photo.caption = "After the edit"
    photo.save()
    assert "After the edit" in page(client, article)


# The library knows where a photo is used -------------------------------------------------


def test_body_uses_are_recorded_and_follow_the_body():
    one, two = make_image(), make_image()
    article = make_article(
        body=photo_block(one) + f'<figure data-block="gallery" data-images="{two.pk}"></figure>'
    )
    assert set(BodyImage.objects.filter(article=article).values_list("image_id", flat=True)) == {
        one.pk,
        two.pk,
    }
    article.body = photo_block(two)
    article.save()
    assert list(BodyImage.objects.filter(article=article).values_list("image_id", flat=True)) == [
        two.pk
    ]
    Article.objects.filter(pk=article.pk).update(body="<p>No photos.</p>")
    assert not BodyImage.objects.filter(article=article).exists()


def test_a_photo_used_in_a_body_is_listed_and_cannot_be_deleted(client, editor):
    photo = make_image()
    article = make_article(headline="Story with the photo inside", body=photo_block(photo))
    client.force_login(editor)
    change = client.get(reverse("admin:articles_image_change", args=[photo.pk]))
    assert "Story with the photo inside" in change.content.decode()
    delete_url = reverse("admin:articles_image_delete", args=[photo.pk])
    refused = client.get(delete_url)
    assert "Story with the photo inside" in refused.content.decode()
    client.post(delete_url, {"post": "yes"})
    assert LibraryImage.objects.filter(pk=photo.pk).exists()
    article.delete()
    client.post(delete_url, {"post": "yes"})
    assert not LibraryImage.objects.filter(pk=photo.pk).exists()


def test_a_body_photo_of_a_published_story_is_public_and_of_a_draft_private(client):
    photo = make_image()
    draft = make_article(status=Article.Status.DRAFT, body=photo_block(photo))
    photo.refresh_from_db()
    assert photo.file.name.startswith("private/")
    draft.status = Article.Status.PUBLISHED
    draft.save()
    photo.refresh_from_db()
    assert not photo.file.name.startswith("private/")
    html = page(client, draft)
    assert "/private/" not in html


def test_a_reporter_sees_a_colleagues_photo_once_a_published_story_shows_it(
    client, reporter, editor
):
    photo = make_image(uploaded_by=editor, title="Editor's own photo")
    client.force_login(reporter)
    library = reverse("admin:articles_image_changelist")
    assert "Editor&#x27;s own photo" not in client.get(library).content.decode()
    make_article(body=photo_block(photo))
    assert "Editor&#x27;s own photo" in client.get(library).content.decode()


# The editor's helpers ---------------------------------------------------------------------


def test_the_embed_check_accepts_every_listed_provider_and_explains_a_refusal(client, reporter):
    client.force_login(reporter)
    url = reverse("admin:articles_article_embed_check")
    accepted = [
        YOUTUBE,
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
        X_POST,
        "https://twitter.com/user/status/20",
        "https://www.instagram.com/p/C1a2b3c4d5/",
        "https://www.tiktok.com/@newsroom/video/7234567890123456789",
        "https://www.facebook.com/newsroom/posts/pfbid02abc",
        "https://soundcloud.com/artist/track-name",
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://datawrapper.dwcdn.net/AbC12/3/",
        "https://public.flourish.studio/visualisation/1234567/",
        "https://www.google.com/maps/embed?pb=!1m18!1m12",
    ]
    for address in accepted:
        answer = client.get(url, {"url": address}).json()
        assert answer["ok"], address
    for address in ("https://evil.example/video", "not a url", "javascript:alert(1)", ""):
        answer = client.get(url, {"url": address}).json()
        assert not answer["ok"] and "plain link" in answer["message"]


def test_the_photo_card_shows_only_photos_the_user_may_see(client, reporter, editor):
    mine = make_image(uploaded_by=reporter, title="Mine")
    theirs = make_image(uploaded_by=editor, title="Theirs")
    client.force_login(reporter)
    card = client.get(reverse("admin:articles_image_card", args=[mine.pk]))
    assert card.status_code == 200 and card.json()["title"] == "Mine"
    assert card.json()["thumbnail"]
    assert client.get(reverse("admin:articles_image_card", args=[theirs.pk])).status_code == 404


def test_the_fact_box_search_finds_only_published_stories(client, reporter):
    make_article(headline="Election results in Tunis")
    make_article(headline="Election draft unseen", status=Article.Status.DRAFT)
    client.force_login(reporter)
    found = client.get(reverse("admin:articles_article_related_search"), {"q": "election"})
    headlines = [item["headline"] for item in found.json()["results"]]
    assert headlines == ["Election results in Tunis"]


def test_the_editor_helpers_are_not_for_readers_or_moderators(client, moderator):
    for name in ("admin:articles_article_embed_check", "admin:articles_article_related_search"):
        assert client.get(reverse(name)).status_code == 302  # to the login page
    client.force_login(moderator)
    assert client.get(reverse("admin:articles_article_embed_check")).status_code == 404


# Embeds: title and thumbnail fetched once after the save, served from our storage ----------


class FakeProvider(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        FakeProvider.requests.append(self.path)
        if self.path.startswith("/oembed"):
            port = self.server.server_address[1]
            payload = {
                "title": "Never Gonna Give You Up",
                "author_name": "Rick Astley",
                "thumbnail_url": f"http://127.0.0.1:{port}/thumb.jpg",
            }
            data, kind = json.dumps(payload).encode(), "application/json"
        else:
            data, kind = jpeg_bytes(size=(480, 360)), "image/jpeg"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = http.server.HTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeProvider.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_an_embeds_title_and_thumbnail_are_fetched_after_the_save_and_served_by_us(
    client, provider, django_capture_on_commit_callbacks
):
    with override_settings(
        EMBED_FETCH=True, EMBED_OEMBED_ENDPOINTS={"youtube": f"{provider}/oembed"}
    ):
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(
                body=f'<figure data-block="embed" data-url="{YOUTUBE}"></figure>'
            )
        assert len(FakeProvider.requests) == 2
        embed = Embed.objects.get(url=YOUTUBE)
        assert embed.title == "Never Gonna Give You Up" and embed.thumbnail
        html = page(client, article)
        assert "Never Gonna Give You Up — Rick Astley" in html
        assert f'src="{embed.thumbnail.url}"' in html and embed.thumbnail.url.startswith("/media/")
        # A second save fetches nothing again.
        with django_capture_on_commit_callbacks(execute=True):
            article.save()
        assert len(FakeProvider.requests) == 2


def test_a_provider_that_is_down_leaves_a_plain_facade(client, django_capture_on_commit_callbacks):
    closed = "http://127.0.0.1:9/oembed"
    with (
        override_settings(EMBED_FETCH=True, EMBED_OEMBED_ENDPOINTS={"youtube": closed}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        article = make_article(body=f'<figure data-block="embed" data-url="{YOUTUBE}"></figure>')
    html = page(client, article)
    assert "View on YouTube" in html and Embed.objects.get(url=YOUTUBE).fetched_at


def test_only_known_providers_are_embeddable():
    assert embeds.provider_for(YOUTUBE).key == "youtube"
    assert embeds.provider_for("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ") is None
    assert embeds.provider_for("https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ") is None


def test_a_body_photo_whose_rights_expired_warns_on_the_story_form(client, editor):
    from datetime import date

    expired = make_image(title="Old agency shot", usable_until=date(2020, 1, 1))
    fine = make_image(title="Our own photo")
    article = make_article(body=photo_block(expired) + photo_block(fine))
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Our rights to the photo “Old agency shot” ended on" in html
    assert "Our own photo" not in html.split("messagelist")[1].split("</ul>")[0]


def test_a_live_entry_shows_its_blocks_like_an_article_body(client):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import LiveEntry

    photo = make_image(caption="From the square")
    article = make_article(live_from=timezone.now() - timedelta(hours=1))
    LiveEntry.objects.create(
        article=article,
        headline="Crowds gather",
        body=f"<p>Thousands in the square.</p>{photo_block(photo)}"
        '<aside data-block="pullquote" data-quote="We stay." data-attribution="A marcher">'
        "</aside>",
    )
    html = page(client, article)
    entry = re.search(r'<article class="live-entry.*?</article>', html, re.S).group(0)
    assert "<picture>" in entry and "From the square" in entry
    assert "<blockquote><p>We stay.</p></blockquote>" in entry


def test_a_live_entrys_photo_is_used_by_its_story_public_and_protected(client, editor):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import LiveEntry

    photo = make_image(caption="At the border")
    article = make_article(live_from=timezone.now() - timedelta(hours=1))
    entry = LiveEntry.objects.create(article=article, body=photo_block(photo))
    photo.refresh_from_db()
    assert not photo.file.name.startswith("private/")  # readers can load it
    assert "/private/" not in page(client, article)
    assert BodyImage.objects.filter(article=article, image=photo).exists()
    client.force_login(editor)
    client.post(reverse("admin:articles_image_delete", args=[photo.pk]), {"post": "yes"})
    assert LibraryImage.objects.filter(pk=photo.pk).exists()  # refused: in use
    entry.delete()
    assert not BodyImage.objects.filter(article=article).exists()
    photo.refresh_from_db()
    assert photo.file.name.startswith("private/")


def test_the_library_counts_an_article_using_a_photo_twice_once(client, editor):
    photo = make_image(title="Twice used")
    make_article(lead_image=photo, body=photo_block(photo))
    make_article(body=photo_block(photo))
    client.force_login(editor)
    html = client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert "2 articles" in html and "3 articles" not in html


def test_a_reporter_cannot_put_a_colleagues_private_photo_in_a_body_by_its_number(
    client, reporter, editor
):
    """The block dialog takes a number; the form checks it like the lead photo's field, and a
    number no photo has gets the same answer (no way to count the library)."""
    from .test_embargo import _form_data

    theirs = make_image(uploaded_by=editor, title="Scoop photo", caption="Secret caption")
    mine = make_image(uploaded_by=reporter, title="My photo")
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter, body="<p>Text.</p>")
    change = reverse("admin:articles_article_change", args=[draft.pk])
    client.force_login(reporter)
    for number in (theirs.pk, 987654):
        data = {**_form_data(client.get(change)), "body": f"<p>Text.</p>{photo_block_id(number)}"}
        response = client.post(change, data)
        assert response.status_code == 200
        assert f"Photo {number} is not in your library" in response.content.decode()
        draft.refresh_from_db()
        assert "data-image" not in draft.body
    assert not BodyImage.objects.filter(image=theirs).exists()
    assert client.get(reverse("admin:articles_image_change", args=[theirs.pk])).status_code in (
        302,
        403,
        404,
    )
    gallery = f'<figure data-block="gallery" data-images="{mine.pk},{theirs.pk}"></figure>'
    response = client.post(change, {**_form_data(client.get(change)), "body": gallery})
    assert f"Photo {theirs.pk} is not in your library" in response.content.decode()
    data = {**_form_data(client.get(change)), "body": photo_block(mine)}
    assert client.post(change, data).status_code == 302  # their own photo
    client.force_login(editor)  # an editor may use every photo
    data = {**_form_data(client.get(change)), "body": photo_block(mine) + photo_block(theirs)}
    assert client.post(change, data).status_code == 302
    client.force_login(reporter)  # what the story already shows stays when they edit
    data = _form_data(client.get(change))
    assert client.post(change, {**data, "dek": "Updated."}).status_code == 302


def test_the_live_desk_refuses_a_photo_the_reporter_may_not_use(client, reporter, editor):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import LiveEntry

    theirs = make_image(uploaded_by=editor, title="Scoop photo")
    article = make_article(live_from=timezone.now() - timedelta(hours=1), created_by=reporter)
    client.force_login(reporter)
    desk = reverse("admin:articles_liveentry_desk", args=[article.pk])
    response = client.post(desk, {"body": photo_block(theirs)}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "not in your library" in json.dumps(response.json())
    assert "Write the update" not in json.dumps(response.json())  # it had a photo, refused
    assert not LiveEntry.objects.filter(article=article).exists()


def photo_block_id(number):
    return f'<figure data-block="photo" data-image="{number}"></figure>'


def test_a_body_is_stored_as_the_admin_form_sends_it_back_so_an_untouched_save_changes_nothing(
    client, editor
):
    """An import (or a script) leaves blank lines around the text; the form trims them."""
    from .test_embargo import _form_data

    article = make_article(body="\n\n<p>Imported text.</p>\n\n")
    assert Article.objects.get(pk=article.pk).body == "<p>Imported text.</p>"
    change = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    revisions = article.history.count()
    assert client.post(change, _form_data(client.get(change))).status_code == 302
    assert article.history.count() == revisions  # the form saw no change: nothing written
