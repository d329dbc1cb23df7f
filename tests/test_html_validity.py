"""Every public page type is valid HTML according to the Nu HTML Checker (vnu.jar)."""

import json
import shutil
import subprocess

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from .browser import VNU
from .conftest import make_article, make_author, uploaded_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_public_pages_are_valid_html(client, section, tmp_path):
    if not VNU.exists() or not shutil.which("java"):
        raise RuntimeError("vnu.jar or java is missing: run `make test-browser`.")
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
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>About.</p>")
    page.sites.add(Site.objects.get_current())
    urls = {
        "home": "/",
        "section": section.get_absolute_url(),
        "tag": "/tag/libya/",
        "author": author.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": "/search/?q=Headline",
        "no-result": "/search/?q=zzzz",
        "flatpage": "/about/",
        "not-found": "/missing/",
    }
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
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
