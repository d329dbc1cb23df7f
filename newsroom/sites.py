"""The Site record (django.contrib.sites) names the domain feeds, sitemaps and emails use:
kept in line with the configuration on every migrate, so production never says example.com."""

from django.conf import settings

PLACEHOLDER_DOMAIN = "example.com"  # what django.contrib.sites creates


def configured_domain():
    """SITE_DOMAIN, or else the first ALLOWED_HOSTS entry that names one host."""
    if settings.NEWSROOM_SITE_DOMAIN:
        return settings.NEWSROOM_SITE_DOMAIN
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")
        if host and "*" not in host:
            return host
    return ""


def sync_site_domain(using="default", **kwargs):
    """post_migrate: an explicit SITE_DOMAIN always wins; the ALLOWED_HOSTS default only
    replaces Django's placeholder, never a domain someone chose in the admin. Saved through
    the model, so cached pages are renewed (newsroom.signals)."""
    from django.contrib.sites.models import Site

    domain = configured_domain()
    site = Site.objects.using(using).filter(pk=settings.SITE_ID).first()
    if not domain or site is None or site.domain == domain:
        return
    if settings.NEWSROOM_SITE_DOMAIN or site.domain == PLACEHOLDER_DOMAIN:
        if site.name == PLACEHOLDER_DOMAIN:
            site.name = domain
        site.domain = domain
        site.save(using=using)
