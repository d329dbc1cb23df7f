"""Walk every public URL and form with hostile values: a 4xx or a page, never a 500."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import make_article

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "x" * 1_000_000,
    "%ff%fe%fd",
    "-1",
    "0",
    "99999999999999999999999",
    "1e9",
    "abc",
    "' OR 1=1 --",
    '"unbalanced',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "😀" * 100,
    "²",  # a digit to str.isdigit(), not to int()
    "\u0663",  # an Arabic-Indic three: a digit to int() too
]
QUERY_NAMES = ["q", "page", "section", "from", "to", "parent", "comment"]


def public_patterns(resolver=None, prefix=""):
    """Every URL pattern outside the admin, with its full regex prefix."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue
            yield from public_patterns(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern, entry


def sample_paths(article):
    """A real URL for each public route, built from the article and its relations."""
    yield "/"
    yield article.get_absolute_url()
    yield article.section.get_absolute_url()
    yield f"/tag/{article.tags.get().slug}/"
    yield "/search/"
    yield "/healthz"
    for pattern, _entry in public_patterns():
        if "<" not in pattern and "(?P" not in pattern and "^" not in pattern:
            yield "/" + pattern.replace("^", "").replace("$", "")


@pytest.fixture
def article(section):
    return make_article(section=section, slug="story", tags=["Libya"])


def test_every_public_route_survives_hostile_query_parameters(client, article):
    paths = sorted(set(sample_paths(article)))
    assert len(paths) >= 6
    for path in paths:
        for name in QUERY_NAMES:
            for value in HOSTILE_VALUES:
                response = client.get(path, {name: value})
                # A page, a redirect, or a clear refusal (400 for a bad search, 404 for a
                # page number past the end): never a 500.
                assert response.status_code in (200, 301, 302, 400, 404), (
                    path,
                    name,
                    value[:20],
                    response.status_code,
                )


def test_hostile_path_segments_are_404s_not_500s(client, article):
    for value in ["%00", "a%00b", "x" * 5000, "%ff%fe", "..%2F..%2Fetc", "😀"]:
        for template in [
            "/section/{}/",
            "/tag/{}/",
            "/author/{}/",
            "/2024/01/01/{}/",
            "/preview/{}/",
            "/views/{}/",
            "/{}/",
        ]:
            response = client.get(template.format(value))
            assert response.status_code in (301, 302, 400, 404, 405), (template, value[:10])


def test_huge_numbers_in_numeric_routes_are_404s(client, article):
    for path in [
        "/preview/99999999999999999999999/",
        "/2024/99/99/story/",
        "/9999/01/01/story/",
        "/0000/00/00/story/",
    ]:
        assert client.get(path).status_code in (301, 404), path


def test_hostile_posts_to_the_view_beacon_get_its_one_answer(client, article):
    # The beacon answers 204 whatever it is sent (counted or not), so it is no oracle.
    for path in [f"/views/{article.pk}/", "/views/99999999999999999999/"]:
        for value in HOSTILE_VALUES[:5]:
            response = client.post(path, {"x": value}, HTTP_USER_AGENT="Mozilla/5.0")
            assert response.status_code == 204, path


def test_invalid_utf8_in_the_raw_query_string_is_handled(client, article):
    response = client.get("/search/", QUERY_STRING="q=%ff%fe%00&page=%c3%28")
    assert response.status_code in (200, 400, 404)  # a bad query, or no such page


@pytest.mark.parametrize(
    "method", ["POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "OPTIONS"]
)
def test_readers_pages_answer_other_methods_with_405(client, article, method):
    """Not the CSRF refusal (a 403 about a session), nor for TRACE the page itself, nor for
    OPTIONS a 200 on an address whose GET is a 404 (a preview that does not exist)."""
    paths = ["/", article.get_absolute_url(), "/feed/", "/sitemap.xml", "/healthz", "/search/"]
    paths += [reverse("articles:preview", args=[99999])]
    for path in paths:
        response = client.generic(method, path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Allow"] == "GET, HEAD"


def test_the_comment_form_and_reply_pages_answer_head(client, article):
    from django.urls import reverse

    for url in (
        reverse("comments:token"),
        reverse("comments:reply", args=[article.pk]),
    ):
        assert client.head(url).status_code == 200, url


def test_a_comment_past_the_upload_limit_gets_the_sites_400_page(client, article, settings):
    from django.urls import reverse

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        {"body": "x" * 20_000, "name": "Marc", "email": "marc@example.com"},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Request not understood" in html and "shorten it" in html
    assert "<nav" in html  # the site's design, not Django's bare line


def test_a_host_not_served_here_gets_the_sites_400_page(client, db):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Request not understood" in response.content.decode()
