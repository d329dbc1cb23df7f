"""Purging the renewed keys from shared caches in front of the site (Varnish, a CDN).

Pages carry their keys in response headers (``NEWSROOM_SURROGATE_KEY_HEADERS``); after a
renewal commits, each purger named in ``NEWSROOM_CACHE_PURGERS`` is sent exactly those keys.
A purge runs in a thread of its own: the editor's save never waits for it or fails with it.
One that fails is logged and tried again (``RETRY_DELAYS``); every purge is sent once more
after ``NEWSROOM_PURGE_REPEAT_SECONDS``, for a page the front cache was fetching while the
change committed (it may have received the old copy after the first purge).

Settings: a list of dicts, ``BACKEND`` naming one of the classes below and the rest its
arguments, e.g. ``{"BACKEND": "newsroom.cache.purgers.Varnish", "URL": "http://10.0.0.5:6081/"}``.
"""

import atexit
import json
import logging
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from .versions import after_renewal

logger = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 2, 8)
TIMEOUT_SECONDS = 5

_threads = []
_threads_lock = threading.Lock()


class PurgeFailed(Exception):
    pass


class Purger:
    """Sends one purge of some keys; raises PurgeFailed when the cache did not take it."""

    batch_size = 256
    key_header = "Surrogate-Key"  # where its cache reads a page's keys (SURROGATE_KEY_HEADER)

    def purge(self, keys):
        raise NotImplementedError

    def _send(self, request):
        """The answer's body; PurgeFailed for no answer or an error status."""
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.read()
        except (urllib.error.URLError, OSError) as error:
            raise PurgeFailed(f"{request.get_method()} {request.full_url}: {error}") from error


class Varnish(Purger):
    """Varnish with the xkey vmod and newsroom/deploy/varnish.vcl: a PURGE request whose
    ``xkey-purge`` header lists the keys, to each Varnish address in ``URLS`` (or ``URL``)."""

    def __init__(self, URL=None, URLS=(), HEADER="xkey-purge"):
        self.urls = [*([URL] if URL else []), *URLS]
        self.header = HEADER

    def purge(self, keys):
        for url in self.urls:
            self._send(
                urllib.request.Request(url, method="PURGE", headers={self.header: " ".join(keys)})
            )


class Cloudflare(Purger):
    """Cloudflare's purge by Cache-Tag: ``POST <API>/zones/<ZONE_ID>/purge_cache`` with a
    bearer API token (permission: Zone, Cache Purge). Pages carry their keys in the header
    Cloudflare reads: ``SURROGATE_KEY_HEADER=Cache-Tag`` (``Surrogate-Key,Cache-Tag`` with
    Varnish behind it)."""

    batch_size = 30  # tags per call the API accepts
    key_header = "Cache-Tag"

    def __init__(self, ZONE_ID, API_TOKEN, API="https://api.cloudflare.com/client/v4"):
        self.url = f"{API.rstrip('/')}/zones/{ZONE_ID}/purge_cache"
        self.token = API_TOKEN

    def purge(self, keys):
        answer = self._send(
            urllib.request.Request(
                self.url,
                method="POST",
                data=json.dumps({"tags": list(keys)}).encode(),
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )
        )
        # The API says in its answer whether it did it: {"success": false, "errors": [...]}.
        try:
            result = json.loads(answer)
        except ValueError:
            result = None
        if not (isinstance(result, dict) and result.get("success") is True):
            raise PurgeFailed(f"POST {self.url}: not done: {answer[:300]!r}")


class Fastly(Purger):
    """Fastly's purge by surrogate key: ``POST <API>/service/<SERVICE_ID>/purge`` with the keys
    in a ``Surrogate-Key`` header and an API token (``Fastly-Key``, purge scope)."""

    def __init__(self, SERVICE_ID, API_TOKEN, API="https://api.fastly.com", SOFT=False):
        self.url = f"{API.rstrip('/')}/service/{SERVICE_ID}/purge"
        self.token = API_TOKEN
        self.soft = SOFT

    def purge(self, keys):
        headers = {"Fastly-Key": self.token, "Surrogate-Key": " ".join(keys)}
        if self.soft:
            headers["Fastly-Soft-Purge"] = "1"
        self._send(urllib.request.Request(self.url, method="POST", headers=headers))


def backend(options):
    """The purger class one entry of ``NEWSROOM_CACHE_PURGERS`` names (ImportError if none)."""
    return import_string(options["BACKEND"])


def set_up(options):
    """One entry of ``NEWSROOM_CACHE_PURGERS`` as a purger, given the rest as arguments."""
    return backend(options)(**{name: value for name, value in options.items() if name != "BACKEND"})


def deliver(purger, keys, delays=None):
    """Send the keys to one purger, in batches, trying a failed batch again after each of
    ``delays``; True when every batch went out."""
    delays = RETRY_DELAYS if delays is None else delays
    keys = sorted(keys)
    delivered = True
    for start in range(0, len(keys), purger.batch_size):
        batch = keys[start : start + purger.batch_size]
        for attempt, delay in enumerate((0, *delays)):
            time.sleep(delay)
            try:
                purger.purge(batch)
                break
            except PurgeFailed as error:
                if attempt == len(delays):
                    logger.error("Purge of %s given up: %s", " ".join(batch), error)
                    delivered = False
                else:
                    logger.warning("Purge failed, trying again: %s", error)
    return delivered


def _purge_twice(keys):
    # Set up here, in the purge's own thread: a purger named wrongly or given the wrong
    # arguments (newsroom.E002 at start) is logged, never raised into the editor's save,
    # and the others still purge.
    purgers = []
    for options in settings.NEWSROOM_CACHE_PURGERS:
        try:
            purgers.append(set_up(options))
        except Exception as error:
            logger.error(
                "Purge of %s given up for %r: %s", " ".join(keys), options["BACKEND"], error
            )
    for purger in purgers:
        deliver(purger, keys)
    repeat = settings.NEWSROOM_PURGE_REPEAT_SECONDS
    if repeat > 0 and purgers:
        time.sleep(repeat)
        for purger in purgers:
            deliver(purger, keys)


@after_renewal
def purge(keys):
    """Purge the keys from every configured front cache, in the background."""
    if not settings.NEWSROOM_CACHE_PURGERS:
        return
    thread = threading.Thread(target=_purge_twice, args=(keys,), daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()


def wait(timeout=30):
    """Wait for the purges under way (tests; a process before it exits)."""
    deadline = time.monotonic() + timeout
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))


# A process that changes content and ends (`manage.py shell`, an import, a script) sends its
# purges before it goes: they run in daemon threads, which end with the process. gunicorn's
# workers also wait in worker_exit (newsroom/gunicorn.conf.py).
atexit.register(wait, 10)
