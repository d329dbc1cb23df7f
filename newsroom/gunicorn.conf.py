"""gunicorn settings for production: `gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi`.

Everything is read from the environment, like the Django settings:

- BIND (default 127.0.0.1:8000): the address to listen on; nginx sits in front.
- WEB_CONCURRENCY (default 2 * cores + 1): worker processes.
- GUNICORN_WORKER_CLASS (default sync) and GUNICORN_THREADS (gthread only): see below.
- ACCESS_LOG (default "-", standard output; "off" for none): one line per request,
  without the client's address.
- GUNICORN_TIMEOUT (default 30): seconds before a stuck worker is replaced.

More than one worker needs REDIS_URL (a cache all workers share): without it, gunicorn
refuses to start (see on_starting).
"""

import gc
import ipaddress
import multiprocessing
import os
from pathlib import Path


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
# Measured with `make bench` on two cores: a sync worker spends about half the CPU per
# request of a gthread one (no keep-alive, no thread hand-off). Slow clients are nginx's
# job: it buffers requests and responses, so a sync worker is never held by a slow reader.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
keepalive = 5
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
# Load the application once, before forking: workers share its memory pages and a
# broken deployment fails at start instead of in every worker.
preload_app = True


def when_ready(server):
    """Once, in the master, before the first worker is forked: compile the templates and
    build the URL lookups every worker would otherwise build on its first requests
    (newsroom/warmup.py)."""
    from newsroom import warmup

    warmup.warm_up()


def pre_fork(server, worker):
    """Before each worker is forked: move what the preloaded application created into the
    collector's permanent generation. Workers never scan those objects again (3 % fewer
    instructions per rendered page) and the memory pages holding them stay shared with the
    master instead of being written to by every full collection."""
    gc.freeze()


# gunicorn's runtime control socket has one default path per user: several instances on one
# machine would share it. Processes are managed by signals (HUP, TERM) instead.
control_socket_disable = True
# A worker's heartbeat file on a RAM disk: a slow disk must not get workers killed.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

_access_log = os.environ.get("ACCESS_LOG", "-").strip()
accesslog = None if _access_log in ("", "off") else _access_log
# Time, request line, status, bytes, duration, user agent: no addresses are logged.
access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# X-Forwarded-Proto is believed from the same proxies as X-Forwarded-For (TRUSTED_PROXIES,
# newsroom/client_ip.py): by default the nginx on this machine.
forwarded_allow_ips = ",".join(
    str(ipaddress.ip_network(entry.strip(), strict=False))
    for entry in os.environ.get(
        "FORWARDED_ALLOW_IPS", os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
    ).split(",")
    if entry.strip()
)


def on_starting(server):
    """Refuse several workers without a shared cache: each would keep its own copy of every
    page, and a story taken down through one worker would stay up on the others."""
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        message = (
            f"Refusing to start {server.cfg.workers} workers without REDIS_URL: each would "
            "cache pages on its own, and an unpublished story would stay up on the others. "
            "Set REDIS_URL=redis://127.0.0.1:6379/0, or WEB_CONCURRENCY=1."
        )
        server.log.error(message)
        raise SystemExit(message)


def worker_exit(server, worker):
    """A worker leaving (restart, deployment) first finishes the purges it has under way
    (newsroom/cache/purgers.py), for 10 s at most: a change saved just before must not
    stay in the caches in front."""
    from newsroom.cache import purgers

    purgers.wait(timeout=10)
