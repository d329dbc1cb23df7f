"""Real server processes for the fault tests: a private PostgreSQL cluster, Redis, gunicorn.

Each one listens on 127.0.0.1 only, on a port the caller chooses, keeps its files in a
temporary folder, and is stopped by its own PID (never by name), so the machine's shared
PostgreSQL and Redis are never touched. Every wait is bounded.
"""

import glob
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


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


def log_tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _stop(process, timeout=10):
    """SIGTERM one process we started; SIGKILL it if it does not go in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


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
            _stop(self.process)


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
    """gunicorn serving newsroom.wsgi on 127.0.0.1:port with sync workers."""

    def __init__(self, port, env, workers=2, logfile=None):
        self.port = port
        self.env = env
        self.workers = workers
        self.logfile = Path(logfile or Path(env["NEWSROOM_VAR_DIR"]) / f"gunicorn-{port}.log")
        self.process = None

    def start(self):
        with open(self.logfile, "a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "newsroom.wsgi",
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "5",
                    *self._no_control_socket(),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until(self._serving, 60, f"gunicorn on port {self.port}")
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{log_tail(self.logfile)}") from None

    @staticmethod
    def _no_control_socket():
        """Newer gunicorns open a control socket at one fixed path in the home folder, which
        two instances on one machine would fight over; these instances need none."""
        from gunicorn.config import Config

        return ["--no-control-socket"] if "control_socket_disable" in Config().settings else []

    def _serving(self):
        """Ready when /healthz answers: the port opens before the workers have loaded Django."""
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_tail(self.logfile)}")
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        if self.process is not None:
            _stop(self.process)


@contextmanager
def gunicorn(port, env, workers=2):
    if port_open(port):
        raise RuntimeError(f"Port {port} is taken; choose another for gunicorn.")
    server = Gunicorn(port, env, workers)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def prepare_app(env, *, demo_content=True):
    """Migrate the database, collect static files (hashed manifest, as production serves
    them) and, optionally, load the demo content."""
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    if demo_content:
        manage("demo_content", "--domain", HOST, env=env)
