"""Locked down by default: deploy checks, headers, admin throttling, no stored XSS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Author

from .conftest import make_article, make_author, make_section, uploaded_jpeg

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    # A clean environment: only what a production process would be given.
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="news.example.com",
        NEWSROOM_VAR_DIR=str(tmp_path),
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        SOCIAL_LINKS="Facebook=https://www.facebook.com/theworldmonitor",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_outside_debug_stops_with_a_clear_error(tmp_path):
    result = run_manage("check", NEWSROOM_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_public_pages_send_a_strict_content_security_policy(client, section):
    article = make_article(section=section)
    for url in ["/", article.get_absolute_url(), "/search/?q=x", "/missing/"]:
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(
            part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip()
        )
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_admin_policy_keeps_scripts_to_our_origin(client, editor):
    client.force_login(editor)
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy


@pytest.mark.django_db
def test_browser_protection_headers_are_set(client, section):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_https_redirect_and_hsts_in_production(section):
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000):
        client = Client()
        response = client.get("/")
        assert response.status_code == 301
        assert response["Location"].startswith("https://")
        secure = client.get("/", secure=True)
        assert "max-age=31536000" in secure["Strict-Transport-Security"]


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client, editor):
    login = reverse("admin:login")
    for _ in range(4):
        response = client.post(login, {"username": "editor", "password": "wrong-password"})
        assert response.status_code == 200
    fifth = client.post(login, {"username": "editor", "password": "wrong-password"})
    assert fifth.status_code == 429
    locked = client.post(login, {"username": "editor", "password": "a-long-test-password"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_correct_password_logs_in_before_the_limit(client, editor):
    login = reverse("admin:login")
    client.post(login, {"username": "editor", "password": "wrong-password"})
    response = client.post(login, {"username": "editor", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password123", "12345678901234", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak)


XSS = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


@pytest.mark.django_db
def test_hostile_text_in_every_editable_field_stays_inert_on_every_page(client):
    section = make_section(name=f"Section {XSS}", slug="hostile-section")
    author = make_author(name=f"Author {XSS}", slug="hostile-author", bio=f"Bio {XSS}")
    article = make_article(
        section=section,
        headline=f"Headline {XSS}",
        dek=f"Dek {XSS}",
        body=f"<p>Body {XSS}</p>",
        tags=[f"tag {XSS}"],
        authors=[author],
        featured_image=uploaded_jpeg(),
        image_alt=f"Alt {XSS}",
        image_caption=f"Caption {XSS}",
        image_credit=f"Credit {XSS}",
    )
    page = FlatPage.objects.create(url="/about/", title=f"About {XSS}", content=f"<p>{XSS}</p>")
    page.sites.add(Site.objects.get_current())
    tag_slug = article.tags.get().slug
    urls = [
        "/",
        article.get_absolute_url(),
        section.get_absolute_url(),
        author.get_absolute_url(),
        f"/tag/{tag_slug}/",
        "/about/",
        "/search/?q=" + XSS,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html, url
        assert "<img src=x" not in html, url


@pytest.mark.django_db
def test_author_bio_is_plain_text(client):
    author = Author.objects.create(name="A", slug="a", bio="<b>bold</b>\nline two")
    make_article(authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;<br>line two" in html


@pytest.mark.django_db
def test_error_logs_name_the_path_and_user_but_no_personal_data(rf, editor):
    import logging

    from newsroom.logging import RequestContextFilter

    editor.email = "editor@example.com"
    request = rf.get("/2024/01/01/story/", REMOTE_ADDR="203.0.113.9")
    request.user = editor
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    record.request = request
    RequestContextFilter().filter(record)
    assert record.path == "/2024/01/01/story/"
    assert record.user == f"id:{editor.pk}"
    logged = logging.Formatter("%(path)s %(user)s %(message)s").format(record)
    assert "editor@example.com" not in logged and "203.0.113.9" not in logged
