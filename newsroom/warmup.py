"""What every gunicorn worker would otherwise do on its first requests, done once in the
master before the workers are forked (newsroom/gunicorn.conf.py, ``when_ready``).

A fresh worker compiled each template the first time a page used it, and built the URL
resolver's reverse lookups on its first link: a first render of the home page took about
100 ms more than the next one, paid once per worker and page type after every start,
deployment and restart, and felt by the readers queued behind it. Done in the master, the
work is inherited by every worker (and kept shared by ``gc.freeze()`` in ``pre_fork``).
"""

from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.urls import reverse
from django.utils import translation

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


def template_names(engine):
    """Every template file the engine's loaders look in, by the name pages ask for."""
    folders = list(engine.dirs)
    for loader in engine.template_loaders:
        folders.extend(getattr(loader, "get_dirs", lambda: ())())
    names = set()
    for folder in map(Path, folders):
        if folder.is_dir():
            names.update(
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
            )
    return sorted(names)


def template_backends():
    """The site's Django template engines, and the one forms draw their widgets with."""
    renderer_engine = getattr(get_default_renderer(), "engine", None)
    return [*engines.all(), renderer_engine]


def templates():
    """Compile every template into the engines' cached loaders; how many were compiled."""
    compiled = 0
    for backend in template_backends():
        if not isinstance(backend, DjangoTemplates):
            continue
        for name in template_names(backend.engine):
            try:
                backend.engine.get_template(name)
            except (TemplateSyntaxError, LookupError, ImportError, UnicodeDecodeError):
                continue  # a library's template for something this site does not use
            compiled += 1
    return compiled


def urls():
    """The resolver's reverse lookups for the site's language (every link a page makes):
    the first reverse() builds them all."""
    with translation.override(settings.LANGUAGE_CODE):
        reverse("articles:home")


def warm_up():
    """Templates and URLs made ready, without a query (a connection opened here would be
    shared by every forked worker); how many templates were compiled."""
    compiled = templates()
    urls()
    return compiled
