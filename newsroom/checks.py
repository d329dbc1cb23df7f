"""System checks for deployment mistakes that would otherwise surface as 500s on live pages,
or as a production site that quietly misbehaves (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils.module_loading import import_string

from .sites import PLACEHOLDER_DOMAIN

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
PRINTING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


@register()
def storage_backends_importable(app_configs, **kwargs):
    """A storage backend that cannot be imported breaks every page showing an image."""
    errors = []
    for alias, config in settings.STORAGES.items():
        try:
            import_string(config["BACKEND"])
        except ImportError as error:
            errors.append(
                Error(
                    f"The {alias!r} storage backend {config['BACKEND']!r} cannot be imported: "
                    f"{error}",
                    hint='For S3-compatible media install the extra: pip install -e ".[s3]".',
                    id="newsroom.E001",
                )
            )
    return errors


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    """Without a shared cache each gunicorn worker keeps its own copy of every page: a story
    taken down through one worker stays up on the others until their copies run out."""
    if settings.DEBUG or settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Warning(
            "The cache is local to each process (no REDIS_URL): with more than one gunicorn "
            "worker, an unpublished or taken-down story stays on the other workers' cached "
            f"pages for up to PAGE_CACHE_SECONDS ({settings.NEWSROOM_PAGE_CACHE_SECONDS} s).",
            hint="Set REDIS_URL=redis://127.0.0.1:6379/0, or run one worker (WEB_CONCURRENCY=1).",
            id="newsroom.W001",
        )
    ]


@register(deploy=True)
def email_is_sent(app_configs, **kwargs):
    backend = settings.EMAIL_BACKEND
    if settings.DEBUG or backend not in PRINTING_EMAIL_BACKENDS:
        return []
    return [
        Warning(
            f"EMAIL_BACKEND is {backend!r}: comment and review notifications and password "
            "resets are printed or dropped, never sent.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST.",
            id="newsroom.W002",
        )
    ]


@register(Tags.sites, deploy=True)
def site_domain_is_set(app_configs, databases=None, **kwargs):
    """Feeds, sitemaps and emails name the Site record's domain."""
    if settings.DEBUG:
        return []
    from django.contrib.sites.models import Site

    try:
        site = Site.objects.filter(pk=settings.SITE_ID).first()
    except DatabaseError:
        return []  # not migrated yet: migrate sets it (newsroom.sites)
    if site is None or site.domain != PLACEHOLDER_DOMAIN:
        return []
    return [
        Warning(
            "The Site's domain is still example.com: feeds and sitemaps link there.",
            hint="Set SITE_DOMAIN (or ALLOWED_HOSTS) and run manage.py migrate, or change the "
            "Site in the admin.",
            id="newsroom.W004",
        )
    ]


@register(Tags.caches)
def front_caches_read_the_keys(app_configs, **kwargs):
    """Each configured purger's cache must find the keys where the pages put them
    (README, "Varnish or a CDN in front"): a purge by keys the cache never saw on the page
    purges nothing. A purger that cannot be imported is an error: it would never purge."""
    from newsroom.cache import purgers

    headers = settings.NEWSROOM_SURROGATE_KEY_HEADERS
    carried = {header.lower() for header in headers}
    messages = []
    for options in settings.NEWSROOM_CACHE_PURGERS:
        try:
            purger = purgers.backend(options)
        except ImportError as error:
            messages.append(
                Error(
                    f"The purger {options['BACKEND']!r} cannot be imported: {error}",
                    hint="NEWSROOM_CACHE_PURGERS names classes of newsroom.cache.purgers.",
                    id="newsroom.E002",
                )
            )
            continue
        expected = getattr(purger, "key_header", None)
        if expected is None or expected.lower() in carried:
            continue
        name = purger.__name__
        messages.append(
            Warning(
                f"{name} reads a page's keys from {expected}, but pages carry them in "
                f"{', '.join(headers) or 'no header'} (SURROGATE_KEY_HEADER): its purges match "
                f"nothing, and a changed page stays in {name} until its max-age runs out.",
                hint=f"Add {expected} to SURROGATE_KEY_HEADER (comma-separated, e.g. "
                "Surrogate-Key,Cache-Tag for Cloudflare in front of Varnish).",
                id="newsroom.W005",
            )
        )
    return messages
