"""Production serving: the gunicorn configuration, settings switches, deployment checks."""

import json
import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings

from .conftest import make_article, make_section
from .processes import GUNICORN_CONFIG, NGINX_SITE, newsroom_site


def gunicorn_config(monkeypatch, **env):
    for name in ("BIND", "WEB_CONCURRENCY", "ACCESS_LOG", "GUNICORN_WORKER_CLASS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONFIG))


def production_setting(expression, **env):
    """Evaluate an expression on newsroom.settings in a fresh interpreter with this env."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    code = f"import json, newsroom.settings as s; print(json.dumps({expression}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "SECRET_KEY": "production-test", "DEBUG": "", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_gunicorn_listens_on_loopback_with_two_workers_per_core_plus_one(monkeypatch):
    conf = gunicorn_config(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["workers"] == 2 * os.cpu_count() + 1
    assert conf["wsgi_app"] == "newsroom.wsgi:application"


def test_gunicorn_takes_address_and_worker_count_from_the_environment(monkeypatch):
    conf = gunicorn_config(monkeypatch, BIND="127.0.0.1:9001", WEB_CONCURRENCY="3")
    assert (conf["bind"], conf["workers"]) == ("127.0.0.1:9001", 3)


def test_workers_are_forked_with_the_loaded_application_frozen(monkeypatch):
    import gc

    conf = gunicorn_config(monkeypatch)
    assert conf["preload_app"] is True
    try:
        conf["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_access_log_records_no_client_address(monkeypatch):
    conf = gunicorn_config(monkeypatch)
    assert conf["accesslog"] == "-"
    assert "%(h)s" not in conf["access_log_format"]
    assert "forwarded" not in conf["access_log_format"].lower()
    assert gunicorn_config(monkeypatch, ACCESS_LOG="off")["accesslog"] is None


def test_a_bucket_name_moves_uploads_to_s3_compatible_storage():
    storage = production_setting(
        's.STORAGES["default"]',
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
    )
    assert storage["BACKEND"] == "newsroom.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "newsroom-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.net"
    assert storage["OPTIONS"]["querystring_auth"] is False


def test_without_a_bucket_uploads_stay_on_the_local_disk():
    storage = production_setting('s.STORAGES["default"]["BACKEND"]')
    assert storage == "newsroom.storage.FileSystemStorage"


def test_a_storage_backend_that_cannot_be_imported_fails_the_system_check():
    broken = {**settings.STORAGES, "default": {"BACKEND": "not_installed_package.S3Storage"}}
    with override_settings(STORAGES=broken):
        errors = [error for error in run_checks() if error.id == "newsroom.E001"]
    assert len(errors) == 1
    assert "[s3]" in errors[0].hint


def test_log_level_is_accepted_in_lower_case():
    assert production_setting('s.LOGGING["root"]["level"]', LOG_LEVEL="warning") == "WARNING"


def test_nginx_config_micro_caches_but_never_for_a_session():
    text = NGINX_SITE.read_text()
    assert "proxy_cache_valid 200 301 404 1s;" in text
    assert "proxy_cache_bypass $cookie_sessionid;" in text
    assert "proxy_no_cache $cookie_sessionid" in text


def test_benchmark_points_the_nginx_config_at_local_servers_only(tmp_path):
    site = newsroom_site(8280, 8201, tmp_path)
    assert "listen 127.0.0.1:8280;" in site
    assert "server 127.0.0.1:8201;" in site
    assert "/srv/newsroom" not in site and "/var/cache/nginx" not in site
    assert f"alias {settings.STATIC_ROOT}/;" in site
    assert "ssl" not in site  # plain HTTP unless a certificate is given


def test_nginx_never_serves_an_expired_page_while_it_refreshes_it():
    """A published or taken-down story shows on every request made a second after it."""
    directives = [line.split("#")[0].strip() for line in NGINX_SITE.read_text().splitlines()]
    stale = next(line for line in directives if line.startswith("proxy_cache_use_stale"))
    assert "updating" not in stale
    assert not any(line.startswith("proxy_cache_background_update") for line in directives)


def test_nginx_passes_the_host_with_its_port_and_the_forwarding_headers():
    text = NGINX_SITE.read_text()
    assert "proxy_set_header Host $http_host;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text


def test_postgresql_connections_are_planned_for_data_in_memory():
    """Search depends on these: without them the planner read every article's vector of a
    small archive instead of the index, compiled common phrases just in time, and sent
    phrases to parallel workers that the other readers' requests needed."""
    planned = "-c random_page_cost=1.1 -c jit=off -c max_parallel_workers_per_gather=0"
    url = "postgres://newsroom@127.0.0.1:5432/newsroom"
    options = production_setting('s.DATABASES["default"]["OPTIONS"]', DATABASE_URL=url)
    assert options["options"] == planned
    behind_pgbouncer = production_setting(
        's.DATABASES["default"].get("OPTIONS", {})', DATABASE_URL=url, DATABASE_STARTUP_OPTIONS=""
    )
    assert "options" not in behind_pgbouncer
    with_schema = production_setting(
        's.DATABASES["default"]["OPTIONS"]["options"]',
        DATABASE_URL=url + "?options=-c%20search_path%3Dother",
    )
    assert with_schema == f"{planned} -c search_path=other"


@pytest.mark.django_db
def test_the_master_compiles_the_templates_before_forking_so_no_worker_does(
    monkeypatch, client, django_assert_num_queries
):
    """Each worker used to compile every template on its first render of it (about 100 ms
    on a first home page) and build the URL lookups on its first link: gunicorn's master
    now does both once, before forking."""
    from django.template.base import Template
    from django.urls import clear_url_caches, get_resolver
    from django.urls.resolvers import URLResolver

    from newsroom import warmup

    story = make_article(section=make_section(), tags=["Oil"])
    for backend in warmup.template_backends():
        backend.engine.template_loaders[0].reset()  # as a fresh process has them
    clear_url_caches()
    with django_assert_num_queries(0):  # no connection for the workers to share
        gunicorn_config(monkeypatch)["when_ready"](server=None)
    compile_nodelist = Template.compile_nodelist
    populate = URLResolver._populate
    compiled, built = [], []

    def counted(template):
        compiled.append(template.name)
        return compile_nodelist(template)

    def counted_lookups(resolver):
        built.append(resolver)
        return populate(resolver)

    monkeypatch.setattr(Template, "compile_nodelist", counted)
    monkeypatch.setattr(URLResolver, "_populate", counted_lookups)
    for url in ("/", story.get_absolute_url(), "/tag/oil/", "/search/?q=oil"):
        assert client.get(url).status_code == 200, url
    assert compiled == []
    # The site's lookups were built (a namespace's prefixed copy of its part, such as the
    # comment form's address, is still made on its first use, from them).
    assert get_resolver() not in built
