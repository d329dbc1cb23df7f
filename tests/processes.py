"""Real server processes for the tests and the benchmarks: PostgreSQL, Redis, an S3-compatible
object store, gunicorn, nginx, Varnish.

Shared by the fault and scale-out tests, the nginx tests and `make bench` (tests/bench/).
Each one listens on 127.0.0.1 only, on a port the caller chooses, keeps its files in a
temporary folder, and is stopped by its own PID (never by name), so the machine's shared
PostgreSQL and Redis are never touched. Every wait is bounded.
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GUNICORN_CONFIG = ROOT / "newsroom" / "gunicorn.conf.py"
NGINX_SITE = ROOT / "newsroom" / "deploy" / "nginx.conf"


def wait_until(check, timeout, what):
    """Poll `check()` until it returns something truthy, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise TimeoutError(f"Gave up after {timeout} s waiting for {what}.")


def poll(fetch, accept, timeout):
    """Fetch a value until `accept(value)` holds, for at most `timeout` seconds; return the
    last value fetched either way, for the caller to assert on."""
    deadline = time.monotonic() + timeout
    value = fetch()
    while not accept(value) and time.monotonic() < deadline:
        time.sleep(0.2)
        value = fetch()
    return value


def port_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((HOST, port)) == 0


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for_http(url, process, log_path, timeout=30.0):
    """Wait until `url` answers at all (any status); fail with the log if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited.\n{log_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url}: no answer within {timeout:.0f}s.\n{log_tail(log_path)}")


def log_tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop(process, timeout=30, sig=signal.SIGTERM):
    """Signal one process we started (by its PID); SIGKILL it if it does not go in time."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# PostgreSQL ----------------------------------------------------------------------------------


def _postgres_bin(name):
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(path.split("/")[4]),
    )
    found = versions[-1] if versions else shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} was not found; install the postgresql package.")
    return found


class PostgresCluster:
    """A throw-away PostgreSQL cluster: initdb'd into a temporary folder, trust auth on loopback.

    initdb and the server refuse to run as root, so as root they run as the `postgres` user.
    """

    def __init__(self, port, workdir):
        self.port = port
        self.datadir = Path(workdir) / "data"
        self.logfile = Path(workdir) / "postgres.log"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command, timeout=60):
        return subprocess.run(
            [*self.as_owner, *command],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def init(self):
        self._run(
            _postgres_bin("initdb"),
            "--pgdata",
            str(self.datadir),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--no-instructions",
        )
        with open(self.datadir / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '{HOST}'\n"
                f"unix_socket_directories = '{self.datadir}'\nmax_connections = 50\n"
            )

    def pg_ctl(self, *args, timeout=60):
        return self._run(
            _postgres_bin("pg_ctl"),
            "--pgdata",
            str(self.datadir),
            "--log",
            str(self.logfile),
            "--wait",
            "--timeout",
            str(timeout),
            *args,
            timeout=timeout + 10,
        )

    def start(self):
        self.pg_ctl("start")

    def stop(self, mode="fast"):
        self.pg_ctl("stop", "--mode", mode)

    def restart(self, mode="fast"):
        """Restart the server: with "fast", open sessions are cut and their transactions
        rolled back."""
        self.pg_ctl("restart", "--mode", mode)

    def url(self, database="postgres"):
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def connect(self, database="postgres"):
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def create_database(self, name):
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def query(self, database, sql, params=None):
        with self.connect(database) as connection:
            return connection.execute(sql, params).fetchall()


@contextmanager
def postgres_cluster(port):
    if port_open(port):
        raise RuntimeError(f"Port {port} is taken; choose another for the private PostgreSQL.")
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
    workdir.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    cluster = PostgresCluster(port, workdir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if (cluster.datadir / "postmaster.pid").exists():
            cluster.stop("immediate")
        shutil.rmtree(workdir, ignore_errors=True)


# Redis -----------------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server in the foreground of a child process, with nothing on disk."""

    def __init__(self, port, workdir):
        self.port = port
        self.logfile = Path(workdir) / f"redis-{port}.log"
        self.process = None

    @property
    def url(self):
        return f"redis://{HOST}:{self.port}/0"

    def start(self):
        with open(self.logfile, "a") as log:
            self.process = subprocess.Popen(
                [
                    shutil.which("redis-server") or "redis-server",
                    "--bind",
                    HOST,
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(lambda: port_open(self.port), 10, f"redis-server on port {self.port}")

    def kill(self):
        """SIGKILL: the abrupt end of a crash, not a polite shutdown."""
        self.process.kill()
        self.process.wait(10)
        wait_until(lambda: not port_open(self.port), 10, "the killed Redis to let go of its port")

    def stop(self):
        if self.process is not None:
            stop(self.process)


@contextmanager
def redis_server(port):
    if port_open(port):
        raise RuntimeError(f"Port {port} is taken; choose another for the private Redis.")
    workdir = tempfile.mkdtemp(prefix="newsroom-redis-")
    server = RedisServer(port, workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# S3-compatible storage ----------------------------------------------------------------------------

S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "newsroom-test-key",
    "AWS_SECRET_ACCESS_KEY": "newsroom-test-secret",
    "AWS_S3_REGION_NAME": "us-east-1",
}


class S3Server:
    """A real S3 API on 127.0.0.1: moto's server mode (`python -m moto.server`, from PyPI's
    moto[server]), in the foreground of a child process, everything in its memory. The app
    talks to it over HTTP through boto3 exactly as it would to AWS, MinIO or R2."""

    def __init__(self, port, workdir):
        self.port = port
        self.endpoint = f"http://{HOST}:{port}"
        self.logfile = Path(workdir) / f"s3-{port}.log"
        self.process = None

    def start(self, timeout=30.0):
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        # Its request recorder (moto-api/recorder) writes here: requests() counts them.
        env["MOTO_RECORDER_FILEPATH"] = str(Path(self.logfile).with_suffix(".requests"))
        with open(self.logfile, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_http(self.endpoint + "/", self.process, self.logfile, timeout)
        return self

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=S3_CREDENTIALS["AWS_S3_REGION_NAME"],
        )

    def create_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket, prefix=""):
        """Every key in the bucket (under `prefix`), sorted; bounded by the bucket's size."""
        paginator = self.client().get_paginator("list_objects_v2")
        return sorted(
            entry["Key"]
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
            for entry in page.get("Contents", ())
        )

    def read(self, bucket, key):
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def _recorder(self, action, method="POST"):
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/recorder/{action}", method=method, data=b""
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode()

    @contextmanager
    def recording(self):
        """Every request the server answers inside the block, from any process: a list of
        "METHOD url", filled in when the block ends."""
        seen = []
        self._recorder("reset-recording")
        self._recorder("start-recording")
        try:
            yield seen
        finally:
            self._recorder("stop-recording")
            for line in self._recorder("download-recording", "GET").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    seen.append(f"{entry['method']} {entry['url']}")

    def env(self, bucket, **extra):
        """Environment naming this server and `bucket` for an app process (settings.py)."""
        return {
            **S3_CREDENTIALS,
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            **{key: str(value) for key, value in extra.items()},
        }

    def stop(self):
        if self.process is not None:
            stop(self.process, timeout=10)


@contextmanager
def s3_server(port=None):
    port = port or free_port()
    if port_open(port):
        raise RuntimeError(f"Port {port} is taken; choose another for the S3 server.")
    workdir = tempfile.mkdtemp(prefix="newsroom-s3-")
    server = S3Server(port, workdir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# The application --------------------------------------------------------------------------------


def production_env(*, database_url, redis_url="", var_dir, **extra):
    """Environment for the app as production runs it: DEBUG off, a secret key, one host name.

    HTTPS redirects are off only because these tests speak plain HTTP on loopback.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        SECRET_KEY="fault-test-secret-key-long-enough-to-be-believable-0123456789",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        NEWSROOM_VAR_DIR=str(var_dir),
        STATIC_ROOT=str(Path(var_dir) / "static"),
        MEDIA_ROOT=str(Path(var_dir) / "media"),
        CACHE_KEY_PREFIX="fault-test",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def shared_services_env(static_root, **extra):
    """Environment for an app process that shares the running test's PostgreSQL database and
    Redis (same cache key prefix), production settings otherwise; its static files are
    collected into `static_root` first."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "",
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **{key: str(value) for key, value in extra.items()},
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        check=True,
        timeout=120,
    )
    return env


def manage(*args, env, timeout=300):
    """Run one manage.py command against the given environment; raise with its output on error."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


class Gunicorn:
    """gunicorn as production runs it (newsroom/gunicorn.conf.py: preloaded application, sync
    workers unless GUNICORN_WORKER_CLASS says otherwise) on 127.0.0.1:port.

    `env` goes over this process's environment and a few defaults: production settings,
    DEBUG off, plain HTTP (TLS ends at nginx in front), no access log."""

    def __init__(self, port, env=None, workers=None, log_dir=None):
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "",
            "ACCESS_LOG": "off",
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "0",
            **(env or {}),
            "BIND": f"{HOST}:{port}",
        }
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        log_dir = log_dir or self.env.get("NEWSROOM_VAR_DIR") or tempfile.gettempdir()
        self.log_path = Path(log_dir) / f"gunicorn-{port}.log"
        self.process = None

    def start(self, timeout=60.0):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_http(f"{self.url}/healthz", self.process, self.log_path, timeout)
        except RuntimeError:
            self.stop()
            raise
        self._wait_for_all_workers()
        return self

    def _wait_for_all_workers(self, settle=1.0, timeout=15.0):
        """Workers boot one after another: wait until their number stops growing."""
        deadline = time.monotonic() + timeout
        count, stable_since = len(self.worker_pids()), time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - stable_since < settle:
            time.sleep(0.1)
            now = len(self.worker_pids())
            if now != count:
                count, stable_since = now, time.monotonic()

    @property
    def pid(self):
        return self.process.pid

    def worker_pids(self):
        """The master's children: a worker that crashed comes back with a new PID."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_rss_mib(self):
        """The largest peak resident memory (VmHWM) of any worker, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def stop(self):
        if self.process is not None:
            stop(self.process)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@contextmanager
def gunicorn(port, env, workers=2):
    if port_open(port):
        raise RuntimeError(f"Port {port} is taken; choose another for gunicorn.")
    with Gunicorn(port, env, workers) as server:
        yield server


def prepare_app(env, *, demo_content=True):
    """Migrate the database, collect static files (hashed manifest, as production serves
    them) and, optionally, load the demo content."""
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    if demo_content:
        manage("demo_content", "--domain", HOST, env=env)


# nginx ----------------------------------------------------------------------------------------


class Nginx:
    """An nginx of our own, in a temporary folder, in the foreground (so we hold its PID)."""

    def __init__(self, port, http_config):
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.http_config = http_config
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
        self.root.chmod(0o755)  # nginx workers drop root privileges and must read it
        self.process = None

    @staticmethod
    def available():
        return shutil.which("nginx") is not None

    def config(self):
        temp = "\n".join(
            f"    {kind}_temp_path {self.root / 'tmp' / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return (
            f"worker_processes 2;\npid {self.root / 'nginx.pid'};\n"
            f"error_log {self.root / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n    include /etc/nginx/mime.types;\n    access_log off;\n"
            "    sendfile on;\n    tcp_nopush on;\n    keepalive_requests 100000;\n"
            f"{temp}\n{self.http_config}\n}}\n"
        )

    def start(self, timeout=10.0):
        (self.root / "tmp").mkdir(exist_ok=True)
        config = self.root / "nginx.conf"
        config.write_text(self.config())
        check = subprocess.run(
            ["nginx", "-t", "-q", "-p", str(self.root), "-c", str(config)],
            capture_output=True,
            text=True,
        )
        if check.returncode:
            raise RuntimeError(f"nginx refused the configuration:\n{check.stderr}")
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.root), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_http(self.url + "/", self.process, self.root / "error.log", timeout)
        return self

    def stop(self):
        if self.process is not None:
            stop(self.process, timeout=20, sig=signal.SIGQUIT)  # graceful: workers finish
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def static_site(port, folder, precompressed=False):
    """nginx serving a folder of files: the ceiling for any app on this machine.
    ``precompressed``: a file's .gz beside it is sent to a client accepting gzip."""
    gzip_static = "        gzip_static on;\n" if precompressed else ""
    return (
        f"    server {{\n        listen {HOST}:{port};\n        root {folder};\n{gzip_static}    }}"
    )


def newsroom_site(port, app_port, cache_dir, tls=None, static_root=None, media_root=None):
    """The repository's nginx.conf, pointed at a local gunicorn and our own folders.

    ``tls``: (https_port, certificate, key) to keep the lines marked "tls"; without it they
    are dropped, as the README's plain-HTTP trial does."""
    text = NGINX_SITE.read_text()
    replacements = {
        "listen 80;": f"listen {HOST}:{port};",
        "server 127.0.0.1:8000;": f"server {HOST}:{app_port};",
        "/var/cache/nginx-newsroom": str(cache_dir),
        "/srv/newsroom/var/static/": f"{static_root or settings.STATIC_ROOT}/",
        "/srv/newsroom/var/media/": f"{media_root or settings.MEDIA_ROOT}/",
    }
    if tls:
        https_port, certificate, key = tls
        replacements |= {
            "listen 443 ssl http2;": f"listen {HOST}:{https_port} ssl http2;",
            "/etc/ssl/newsroom/fullchain.pem": str(certificate),
            "/etc/ssl/newsroom/privkey.pem": str(key),
        }
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(
                f"{NGINX_SITE.name} no longer contains {old!r}: update newsroom_site()."
            )
        text = text.replace(old, new)
    if not tls:
        text = "\n".join(line for line in text.splitlines() if not line.endswith("# tls"))
    return text


# Varnish --------------------------------------------------------------------------------------

VARNISH_VCL = ROOT / "newsroom" / "deploy" / "varnish.vcl"


class Varnish:
    """A varnishd of our own with the repository's varnish.vcl, pointed at a local app, in
    the foreground (-F, so we hold its PID), its working folder in a temporary one (-n).
    No jail (-j none): as root, varnishd would otherwise hand that folder to another user."""

    def __init__(self, port, app_port):
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.app_port = app_port
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        self.process = None

    @staticmethod
    def available():
        return shutil.which("varnishd") is not None

    def vcl(self):
        text = VARNISH_VCL.read_text()
        old = '.port = "8000";'
        if old not in text:
            raise RuntimeError(f"{VARNISH_VCL.name} no longer contains {old!r}: update Varnish.")
        return text.replace(old, f'.port = "{self.app_port}";')

    def start(self, timeout=20.0):
        vcl = self.root / "newsroom.vcl"
        vcl.write_text(self.vcl())
        log = self.root / "varnishd.log"
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [
                    shutil.which("varnishd") or "varnishd",
                    "-F",
                    "-j",
                    "none",
                    "-n",
                    str(self.root / "work"),
                    "-a",
                    f"{HOST}:{self.port}",
                    "-T",
                    "none",
                    "-f",
                    str(vcl),
                    "-s",
                    "malloc,64m",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        wait_for_http(self.url + "/healthz", self.process, log, timeout)
        return self

    def stop(self):
        if self.process is not None:
            stop(self.process, timeout=20)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
