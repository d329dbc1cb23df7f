"""Two gunicorn instances, one PostgreSQL, one Redis, one S3 bucket: real processes behaving
as one site.

Run with DATABASE_URL=postgres://… and REDIS_URL=redis://… (.ci/run does, in its
PostgreSQL step). The instances run the production settings against the test database and
the test process's Redis, with their uploads in one bucket of a local S3 API (moto's server,
tests/processes.py); every request sends the same Host header, as a load balancer would.
"""

import http.client
import os
import re
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from articles import images
from articles.models import Article, DailyViews, Image
from comments import moderation
from comments.models import Comment

from .conftest import make_article, make_section
from .processes import Gunicorn, free_port, s3_server, shared_services_env
from .s3 import fetch, public_read_policy
from .test_images import camera_jpeg

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOST = "localhost"
BUCKET = "newsroom-scale-out"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126 Safari/537.36"


@pytest.fixture(scope="module")
def instances(django_db_setup, tmp_path_factory):
    """Instances A and B on free ports; stopped (by PID) when the module is done."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.fail(
            "The scale-out tests need shared services: run them with "
            "DATABASE_URL=postgres://… and REDIS_URL=redis://… (as .ci/run does)."
        )
    static_root = tmp_path_factory.mktemp("static")
    with s3_server() as s3:
        s3.create_bucket(BUCKET)
        s3.client().put_bucket_policy(Bucket=BUCKET, Policy=public_read_policy(BUCKET))
        env = shared_services_env(
            static_root,
            SECRET_KEY="scale-out-test-only-secret-key",
            ALLOWED_HOSTS=HOST,
            GUNICORN_THREADS="2",
            **s3.env(BUCKET),
        )
        log_dir = tmp_path_factory.mktemp("logs")
        a = Gunicorn(free_port(), env, workers=2, log_dir=log_dir)
        b = Gunicorn(free_port(), env, workers=2, log_dir=log_dir)
        a.s3 = b.s3 = s3
        try:
            a.start()
            b.start()
            yield a, b
        finally:
            a.stop()
            b.stop()


def request(server, method, path, form=None, cookies=None, headers=None):
    """One HTTP request to one instance; redirects are returned, not followed."""
    body = urlencode(form) if form is not None else None
    headers = {"Host": HOST, "User-Agent": BROWSER, **(headers or {})}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
    finally:
        conn.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        if cookies is not None:
            cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
    return response, content


def log_in(server, username, password):
    cookies = {}
    request(server, "GET", "/admin/login/", cookies=cookies)
    response, _ = request(
        server,
        "POST",
        "/admin/login/",
        form={
            "csrfmiddlewaretoken": cookies["csrftoken"],
            "username": username,
            "password": password,
            "next": "/admin/",
        },
        cookies=cookies,
    )
    assert response.status == 302, "the login through the admin failed"
    return cookies


def make_editor(django_user_model, password):
    user = django_user_model.objects.create(username="desk-editor", is_staff=True)
    # The instances run the production password hashers, not the tests' fast one.
    user.password = PBKDF2PasswordHasher().encode(password, "scaleoutsalt", iterations=1000)
    user.save()
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def test_an_article_published_through_one_instance_shows_at_once_on_the_other(
    instances, django_user_model
):
    a, b = instances
    draft = make_article(
        section=make_section(), headline="Ceasefire talks resume", status=Article.Status.DRAFT
    )
    request(b, "GET", "/")
    response, home = request(b, "GET", "/")
    assert response.headers["X-Cache"] == "HIT"
    assert b"Ceasefire talks resume" not in home

    make_editor(django_user_model, "a-long-editor-password")
    cookies = log_in(a, "desk-editor", "a-long-editor-password")
    response, _ = request(
        a,
        "POST",
        "/admin/articles/article/",
        form={
            "csrfmiddlewaretoken": cookies["csrftoken"],
            "action": "publish_now",
            "_selected_action": draft.pk,
            "index": 0,
        },
        cookies=cookies,
    )
    assert response.status == 302
    draft.refresh_from_db()
    assert draft.is_published()

    response, home = request(b, "GET", "/")
    assert b"Ceasefire talks resume" in home
    assert response.headers["X-Cache"] == "MISS"


def test_a_comment_approved_in_another_process_renews_its_article_on_both_instances_only(
    instances,
):
    """The change is made in this test process, a third one: both instances see it on the
    article's page at once, and keep serving an unrelated article from the cache."""
    a, b = instances
    story = make_article(section=make_section(), headline="Busy story")
    unrelated = make_article(section=make_section(), headline="Quiet story")
    comment = Comment.objects.create(
        article=story, name="Reader", email="r@example.com", body="Seen from afar"
    )
    for server in (a, b):
        for path in (story.get_absolute_url(), unrelated.get_absolute_url()):
            request(server, "GET", path)
            assert request(server, "GET", path)[0].headers["X-Cache"] == "HIT"
    moderation.approve(comment)
    for server in (a, b):
        _response, page = request(server, "GET", story.get_absolute_url())
        assert b"Seen from afar" in page
        response, _page = request(server, "GET", unrelated.get_absolute_url())
        assert response.headers["X-Cache"] == "HIT"


def test_view_counts_recorded_through_both_instances_add_up(instances):
    a, b = instances
    article = make_article(section=make_section())
    path = f"/views/{article.pk}/"

    def beacon(server, reader):
        headers = {"Origin": f"http://{HOST}", "X-Forwarded-For": f"198.51.100.{reader}"}
        return request(server, "POST", path, headers=headers)[0].status

    # Thirty readers, each counted once though every one is seen by both instances.
    servers, readers = [a, b] * 30, [n // 2 + 1 for n in range(60)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(beacon, servers, readers))
    assert statuses == [204] * 60
    call_command("fold_view_counts", stdout=StringIO())
    assert DailyViews.objects.filter(article=article).aggregate(total=Sum("views"))["total"] == 30


def test_rate_limits_are_shared_because_both_instances_use_one_cache(instances):
    """Whatever one instance stores in the cache, the other reads: here a page cached by A
    is served by B. A cache-based rate limit (comments) is shared the same way; when it
    lands, extend this test: post through A until refused, then B must refuse too."""
    a, b = instances
    article = make_article(section=make_section(), headline="Shared across instances")
    path = article.get_absolute_url()
    first, page_from_a = request(a, "GET", path)
    second, page_from_b = request(b, "GET", path)
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert page_from_b == page_from_a


def test_pages_link_hashed_static_files_served_with_far_future_headers(instances):
    a, b = instances
    make_article(section=make_section())
    _, home = request(a, "GET", "/")
    stylesheet = re.search(rb'<link rel="stylesheet" href="([^"]+)"', home).group(1).decode()
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet)
    _, again = request(b, "GET", "/")
    assert stylesheet.encode() in again  # every process names the same file
    response, css = request(b, "GET", stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200 and css
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers.get("Content-Encoding") == "gzip"


def multipart(fields, files):
    """A multipart/form-data body, as a browser sends a form with a file input."""
    boundary = "newsroom-scale-out-boundary"
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(server, path, fields, files, cookies):
    body, content_type = multipart(fields, files)
    headers = {
        "Host": HOST,
        "User-Agent": BROWSER,
        "Content-Type": content_type,
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
    }
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_a_photo_uploaded_through_one_instance_is_served_at_once_through_the_other(
    instances, django_user_model
):
    """One bucket: the upload through A (cleaned, renditions made, all in the bucket) is in
    B's library and preview at once, and once A publishes its story, B's page links the
    bucket's public copies, which answer."""
    a, b = instances
    make_editor(django_user_model, "a-long-editor-password")
    cookies = log_in(a, "desk-editor", "a-long-editor-password")
    with a.s3.recording() as stored:
        response, _ = upload(
            a,
            "/admin/articles/image/add/",
            {
                "csrfmiddlewaretoken": cookies["csrftoken"],
                "title": "Harbour at dawn",
                "alt": "Fishing boats in the harbour",
            },
            {"file": ("IMG_0001.jpg", camera_jpeg(size=(2400, 1600)))},
            cookies,
        )
    assert response.status == 302, "the upload through instance A failed"
    photo = Image.objects.get()
    names = images.stored_names(photo)
    assert names == set(a.s3.keys(BUCKET, "private/")) and len(names) > 10
    assert len([request for request in stored if request.startswith("PUT ")]) == len(names)
    assert b"PhoneMaker" not in a.s3.read(BUCKET, photo.file.name)

    _, library = request(b, "GET", "/admin/articles/image/", cookies=cookies)
    assert b"Harbour at dawn" in library
    preview = images.thumbnail_url(photo)
    response, data = request(b, "GET", preview, cookies=cookies)
    assert response.status == 200
    assert data == a.s3.read(BUCKET, "private/" + preview.split(f"/{photo.pk}/", 1)[1])

    draft = make_article(
        section=make_section(),
        headline="Boats return",
        status=Article.Status.DRAFT,
        lead_image=photo,
    )
    response, _ = request(
        a,
        "POST",
        "/admin/articles/article/",
        form={
            "csrfmiddlewaretoken": cookies["csrftoken"],
            "action": "publish_now",
            "_selected_action": draft.pk,
            "index": 0,
        },
        cookies=cookies,
    )
    assert response.status == 302
    draft.refresh_from_db()
    # No render asks the bucket, on either instance (the S3 server's own record of requests).
    with a.s3.recording() as asked:
        rendered, page = request(b, "GET", draft.get_absolute_url())
        cached, again = request(b, "GET", draft.get_absolute_url())
        home, _ = request(a, "GET", "/")
    assert (rendered.headers["X-Cache"], cached.headers["X-Cache"]) == ("MISS", "HIT")
    assert again == page and home.status == 200
    assert asked == []
    urls = re.findall(rb'(http://127\.0\.0\.1:\d+/newsroom-scale-out/images/[^" ,]+)', page)
    assert len(set(urls)) >= 6
    for url in set(urls):
        status, headers, _body = fetch(url.decode())
        assert status == 200 and headers["Content-Type"] in {"image/webp", "image/jpeg"}
    assert not a.s3.keys(BUCKET, "private/images/")  # the private copies went after the move
