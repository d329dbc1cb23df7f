"""Deployment rules: the client address behind trusted proxies, and the checks
`manage.py check --deploy` adds for a production site."""

import logging
import os
import runpy
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import SiteLink
from articles.site_links import follow_links_are_the_newsrooms
from newsroom.cache import forget_database, invalidate_pages, make_key
from newsroom.checks import site_domain_is_set
from newsroom.client_ip import client_ip
from newsroom.sites import sync_site_domain

from .conftest import make_article
from .processes import GUNICORN_CONFIG, free_port
from .test_comments import comment_data
from .test_production import production_setting


@pytest.fixture
def article(section):
    return make_article(section=section)


@pytest.fixture
def proxies(settings):
    settings.NEWSROOM_TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]
    return settings


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # nginx on the same machine vouches for the address it saw.
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        # What the client wrote sits to the left of what nginx appended: ignored.
        ("127.0.0.1", "198.51.100.66, 203.0.113.9", "203.0.113.9"),
        # Several trusted hops: the rightmost address that is not a proxy.
        ("127.0.0.1", "203.0.113.9, 10.1.2.3", "203.0.113.9"),
        # A client reaching the app directly: its header is a forgery.
        ("203.0.113.50", "198.51.100.66", "203.0.113.50"),
        ("127.0.0.2", "198.51.100.66", "127.0.0.2"),
        # No header, or one that is not an address: the proxy's own.
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "10.0.0.1, 10.0.0.2", "127.0.0.1"),
    ],
)
def test_client_address_comes_from_the_forwarding_header_of_a_trusted_proxy_only(
    rf, proxies, remote, forwarded, expected
):
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_no_trusted_proxies_means_the_connection_address_always(rf, settings):
    settings.NEWSROOM_TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "127.0.0.1"


def test_login_throttling_uses_the_same_client_address(rf, proxies):
    from axes.helpers import get_client_ip_address

    request = rf.post("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert get_client_ip_address(request) == "203.0.113.9"
    forged = rf.post("/admin/login/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert get_client_ip_address(forged) == "203.0.113.50"


def test_readers_behind_the_proxy_are_rate_limited_separately(client, article, proxies):
    proxies.NEWSROOM_COMMENT_RATE_LIMIT = 1
    url = reverse("comments:post", args=[article.pk])
    first = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    second = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.2"}
    assert client.post(url, comment_data(body="One."), **first).status_code == 303
    assert client.post(url, comment_data(body="Two."), **second).status_code == 303
    assert client.post(url, comment_data(body="Three."), **first).status_code == 429


def test_a_forged_forwarding_header_does_not_escape_the_rate_limit(client, article, proxies):
    proxies.NEWSROOM_COMMENT_RATE_LIMIT = 1
    url = reverse("comments:post", args=[article.pk])
    direct = {"REMOTE_ADDR": "203.0.113.50"}
    assert client.post(url, comment_data(body="One."), **direct).status_code == 303
    response = client.post(
        url, comment_data(body="Two."), HTTP_X_FORWARDED_FOR="198.51.100.7", **direct
    )
    assert response.status_code == 429


# Production settings and `manage.py check --deploy`


def production_check(tmp_path, **env):
    """`manage.py check --deploy` as `make serve` runs it: DEBUG off, only what is given."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "news.example.com",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_warns_about_a_process_local_cache_and_a_console_mailer(
    tmp_path,
):
    result = production_check(tmp_path)
    report = result.stdout + result.stderr
    assert "(newsroom.W001) The cache is local to each process (no REDIS_URL)" in report
    assert "(newsroom.W002) EMAIL_BACKEND is 'django.core.mail.backends.console" in report


def test_deploy_check_is_quiet_about_a_shared_cache_and_a_real_mailer(tmp_path):
    result = production_check(
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        SOCIAL_LINKS="Facebook=https://www.facebook.com/theworldmonitor",
    )
    assert "newsroom.W00" not in result.stdout + result.stderr


@pytest.mark.django_db
def test_deploy_check_warns_while_follow_us_links_are_the_networks_home_pages(settings):
    """A new site's "Follow us" links are the SOCIAL_LINKS setting's (stock: the networks'
    home pages) until editors change them in the admin."""
    settings.DEBUG = False
    [warning] = follow_links_are_the_newsrooms(None)
    assert warning.id == "newsroom.W003"
    assert warning.msg.startswith("Follow us: Facebook, X, Instagram, YouTube point at")
    SiteLink.objects.filter(place="follow", label="Facebook").update(
        address="https://www.facebook.com/theworldmonitor"
    )
    SiteLink.objects.filter(place="follow").exclude(label="Facebook").delete()
    assert follow_links_are_the_newsrooms(None) == []


@pytest.mark.django_db
def test_deploy_check_warns_while_the_site_domain_is_example_com(settings):
    settings.DEBUG = False
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com")
    assert [warning.id for warning in site_domain_is_set(None)] == ["newsroom.W004"]
    Site.objects.filter(pk=settings.SITE_ID).update(domain="news.example.com")
    assert site_domain_is_set(None) == []


def test_hsts_preload_is_off_unless_asked_for():
    assert production_setting("s.SECURE_HSTS_PRELOAD") is False
    assert production_setting("s.SECURE_HSTS_SECONDS") == 31536000
    assert production_setting("s.SECURE_HSTS_PRELOAD", SECURE_HSTS_PRELOAD="1") is True


def test_trusted_proxies_default_to_this_machine_and_refuse_a_typo():
    assert production_setting("s.NEWSROOM_TRUSTED_PROXIES") == ["127.0.0.1", "::1"]
    assert production_setting(
        "s.NEWSROOM_TRUSTED_PROXIES", TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.1"
    ) == ["10.0.0.0/8", "127.0.0.1"]
    with pytest.raises(AssertionError, match=r"TRUSTED_PROXIES: '10\.0\.0\.300'"):
        production_setting("s.NEWSROOM_TRUSTED_PROXIES", TRUSTED_PROXIES="10.0.0.300")


@pytest.mark.django_db
def test_the_redirect_to_https_is_never_stored_by_a_shared_cache(settings, section):
    settings.SECURE_SSL_REDIRECT = True
    first = Client().get("/")
    assert first.status_code == 301
    assert first["Location"] == "https://testserver/"
    assert first["Cache-Control"] == "no-store"
    assert "X-Cache" not in first
    # Nothing was kept: with the redirect switched off the page itself answers.
    settings.SECURE_SSL_REDIRECT = False
    assert Client().get("/").status_code == 200


# Several gunicorn workers need a shared cache (takedowns are instant on every worker)


def test_gunicorn_refuses_several_workers_without_a_shared_cache(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    conf = runpy.run_path(str(GUNICORN_CONFIG))
    server = SimpleNamespace(cfg=SimpleNamespace(workers=5), log=logging.getLogger("gunicorn"))
    with pytest.raises(SystemExit, match="Refusing to start 5 workers without REDIS_URL"):
        conf["on_starting"](server)


def test_gunicorn_starts_one_worker_or_several_sharing_redis(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    conf = runpy.run_path(str(GUNICORN_CONFIG))
    one = SimpleNamespace(cfg=SimpleNamespace(workers=1), log=logging.getLogger("gunicorn"))
    conf["on_starting"](one)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    several = SimpleNamespace(cfg=SimpleNamespace(workers=5), log=logging.getLogger("gunicorn"))
    conf["on_starting"](several)


def test_make_serve_with_its_defaults_and_no_redis_refuses_to_start(tmp_path):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "127.0.0.1",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "2",
        "BIND": f"127.0.0.1:{free_port()}",
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Refusing to start 2 workers without REDIS_URL" in result.stdout + result.stderr


# The Site record: the domain feeds and sitemaps name


def test_migrating_a_new_database_names_the_first_allowed_host_in_the_site(tmp_path):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "news.example.org,127.0.0.1",
        "NEWSROOM_VAR_DIR": str(tmp_path),
    }
    code = "from django.contrib.sites.models import Site; print(Site.objects.get().domain)"
    for command in (["migrate", "--noinput", "-v0"], ["shell", "-v0", "-c", code]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "news.example.org"


@pytest.mark.django_db
def test_migrate_puts_the_configured_domain_in_place_of_example_com(settings):
    settings.NEWSROOM_SITE_DOMAIN = ""
    settings.ALLOWED_HOSTS = ["news.example.org", "www.news.example.org"]
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    sync_site_domain()
    assert Site.objects.values_list("domain", "name").get(pk=settings.SITE_ID) == (
        "news.example.org",
        "news.example.org",
    )


@pytest.mark.django_db
def test_migrate_keeps_a_domain_chosen_in_the_admin_unless_site_domain_is_set(settings):
    settings.NEWSROOM_SITE_DOMAIN = ""
    settings.ALLOWED_HOSTS = ["news.example.org"]
    Site.objects.filter(pk=settings.SITE_ID).update(domain="chosen.example.net")
    sync_site_domain()
    assert Site.objects.get(pk=settings.SITE_ID).domain == "chosen.example.net"
    settings.NEWSROOM_SITE_DOMAIN = "monitor.example.org"
    sync_site_domain()
    assert Site.objects.get(pk=settings.SITE_ID).domain == "monitor.example.org"


@pytest.mark.django_db
def test_changing_the_site_renews_cached_feeds_on_every_worker(client, section):
    make_article(section=section)
    assert b"http://example.com/" in client.get("/feed/").content
    site = Site.objects.get_current()
    # Another worker changes the Site: this process's own copy of it is not told.
    Site.objects.filter(pk=site.pk).update(domain="news.example.org")
    invalidate_pages()
    feed = client.get("/feed/").content
    assert b"http://news.example.org/" in feed
    assert b"example.com" not in feed


@pytest.mark.django_db
def test_saving_the_site_in_the_admin_renews_cached_pages(client, section):
    make_article(section=section)
    assert client.get("/feed/")["X-Cache"] == "MISS"
    assert client.get("/feed/")["X-Cache"] == "HIT"
    site = Site.objects.get_current()
    site.domain = "news.example.org"
    site.save()
    renewed = client.get("/feed/")
    assert renewed["X-Cache"] == "MISS"
    assert b"http://news.example.org/" in renewed.content


# The cache belongs to one database


def test_cache_keys_name_the_database(settings):
    name = connection.settings_dict["NAME"]
    assert make_key("pages:generation", "newsroom", 1) == f"newsroom:{name}:1:pages:generation"


@pytest.mark.redis
def test_a_restore_drops_what_a_shared_redis_held_for_the_new_database_name(settings):
    import uuid

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": prefix,
            "KEY_FUNCTION": "newsroom.cache.make_key",
        }
    }
    from django.core.cache import caches

    client = caches["default"]._cache.get_client(write=True)
    client.set(f"{prefix}:newsroom_restored:1:pages:generation", b"1")
    client.set(f"{prefix}:newsroom_restored_2:1:pages:generation", b"1")
    caches["default"].set("pages:generation", 7)
    try:
        assert forget_database("newsroom_restored") == 1
        assert client.get(f"{prefix}:newsroom_restored:1:pages:generation") is None
        assert client.get(f"{prefix}:newsroom_restored_2:1:pages:generation") == b"1"
        assert caches["default"].get("pages:generation") == 7
    finally:
        client.delete(
            f"{prefix}:newsroom_restored_2:1:pages:generation",
            make_key("pages:generation", prefix, 1),
        )
