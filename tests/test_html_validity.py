"""Every public page type is valid HTML according to the Nu HTML Checker (vnu.jar)."""

import json
import shutil
import subprocess

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils import timezone

from articles.models import LiveEntry

from .browser import VNU
from .conftest import make_article, make_author, make_image, uploaded_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_public_pages_are_valid_html(client, section, tmp_path):
    author = make_author(name="Layla Haddad", bio="Correspondent.")
    article = make_article(
        section=section,
        tags=["Libya", "US"],
        authors=[author],
        featured_image=uploaded_jpeg(),
        image_alt="Officials at a table",
        image_caption="Officials",
        image_credit="Staff",
        body="<h2>Sub</h2><p>A <a href='https://example.com'>link</a>.</p><ul><li>x</li></ul>",
    )
    for _ in range(3):
        make_article(
            section=section, tags=["Libya"], featured_image=uploaded_jpeg(), image_alt="alt"
        )
    live = make_article(section=section, authors=[author], live_from=timezone.now())
    for flags in ({"pinned": True}, {"key_event": True}, {"correction": True}, {}):
        LiveEntry.objects.create(article=live, headline="Update", body="<p>Text.</p>", **flags)
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>About.</p>")
    page.sites.add(Site.objects.get_current())
    urls = {
        "home": "/",
        "section": section.get_absolute_url(),
        "tag": "/tag/libya/",
        "author": author.get_absolute_url(),
        "article": article.get_absolute_url(),
        "live": live.get_absolute_url(),
        "search": "/search/?q=Headline",
        "no-result": "/search/?q=zzzz",
        "flatpage": "/about/",
        "not-found": "/missing/",
    }
    assert checker_errors(client, urls, tmp_path) == []


def test_a_story_using_every_body_block_is_valid_html(client, section, tmp_path):
    """Photo (each width), gallery, embed facades with and without a stored thumbnail, pull
    quote, fact box with a link, a table: the reader markup of articles/body_blocks.py."""
    from articles.models import Embed

    photos = [make_image(caption=f"Caption {n}", credit="Staff") for n in range(3)]
    Embed.objects.create(url="https://vimeo.com/76979871", provider="vimeo", title="A film")
    related = make_article(section=section, headline="Related story")
    body = (
        "".join(
            f'<figure data-block="photo" data-image="{p.pk}" data-width="{w}"></figure>'
            for p, w in zip(photos, ["full", "wide", "inset"], strict=True)
        )
        + f'<figure data-block="gallery" data-images="{",".join(str(p.pk) for p in photos)}">'
        "</figure>"
        '<figure data-block="embed" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        '</figure><figure data-block="embed" data-url="https://vimeo.com/76979871"></figure>'
        '<figure data-block="embed" data-url="https://x.com/a/status/1"></figure>'
        '<aside data-block="pullquote" data-quote="Quoted." data-attribution="Someone"></aside>'
        f'<aside data-block="factbox" data-title="Facts" data-text="One\nTwo" '
        f'data-article="{related.pk}"></aside>'
        "<table><tbody><tr><th>A</th><td>1</td></tr></tbody></table>"
    )
    article = make_article(section=section, body=body)
    assert checker_errors(client, {"blocks": article.get_absolute_url()}, tmp_path) == []


def checker_errors(client, urls, tmp_path):
    """The Nu HTML Checker's errors on each page (name -> URL), as "file:line: message"."""
    if not VNU.exists() or not shutil.which("java"):
        raise RuntimeError("vnu.jar or java is missing: run `make test-browser`.")
    files = []
    for name, url in urls.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url).content)
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]


def test_curation_and_trust_pages_are_valid_html(client, section, tmp_path):
    """Labels, notices, a dateline, the banner, a curated section front, /corrections/ and
    the embargoed preview (and its expired answer)."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import BreakingNews, Front, Label, Notice, PreviewLink, Slot

    BreakingNews.objects.create(
        text="Polls close", link="/corrections/", expires_at=timezone.now() + timedelta(hours=1)
    )
    opinion = make_article(
        section=section,
        label=Label.objects.get(slug="opinion"),
        dateline="Cairo",
        featured_image=uploaded_jpeg(),
        image_alt="A central bank",
    )
    Notice.objects.create(article=opinion, text="We gave the wrong month.")
    Notice.objects.create(article=opinion, kind="update", text="Confirmed.", position="bottom")
    sponsored = make_article(
        section=section,
        label=Label.objects.get(slug="sponsored"),
        body='<p>See <a href="https://brand.example/">our partner</a>.</p>',
    )
    Slot.objects.create(front=Front.objects.create(section=section), article=sponsored)
    scheduled = make_article(section=section, publish_at=timezone.now() + timedelta(days=1))
    link = PreviewLink.objects.create(article=scheduled, recipient="Jane Roe")
    gone = PreviewLink.objects.create(
        article=scheduled, recipient="Old", expires_at=timezone.now() - timedelta(hours=1)
    )
    urls = {
        "opinion": opinion.get_absolute_url(),
        "sponsored": sponsored.get_absolute_url(),
        "curated-section": section.get_absolute_url(),
        "home-with-banner": "/",
        "corrections": "/corrections/",
        "embargo": link.get_absolute_url(),
        "embargo-gone": gone.get_absolute_url(),
    }
    assert client.get(urls["embargo-gone"]).status_code == 410
    assert checker_errors(client, urls, tmp_path) == []
