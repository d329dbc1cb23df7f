"""gunicorn and nginx as child processes: started on loopback, measured, stopped by PID."""

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
from pathlib import Path

from django.conf import settings

GUNICORN_CONFIG = Path(settings.BASE_DIR) / "newsroom" / "gunicorn.conf.py"
NGINX_SITE = Path(settings.BASE_DIR) / "newsroom" / "deploy" / "nginx.conf"


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url, process, log_path, timeout=30.0):
    """Wait until `url` answers at all (any status); fail with the log if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited.\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url}: no answer within {timeout:.0f}s.\n{_tail(log_path)}")


def stop(process, timeout=20.0, sig=signal.SIGTERM):
    """Ask one process (by its PID) to stop; kill it if it does not."""
    if process.poll() is not None:
        return
    os.kill(process.pid, sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(5)


def _tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Gunicorn:
    """One gunicorn instance with production settings (newsroom/gunicorn.conf.py)."""

    def __init__(self, port, env=None, workers=None, log_dir=None):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "",
            "BIND": f"127.0.0.1:{port}",
            "ACCESS_LOG": "off",
            "LOG_LEVEL": "WARNING",
            # Plain HTTP on loopback: in production TLS ends at nginx in front.
            "SECURE_SSL_REDIRECT": "0",
            **(env or {}),
        }
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"gunicorn-{port}.log"
        self.process = None

    def start(self, timeout=30.0):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)],
                cwd=settings.BASE_DIR,
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

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
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


class Nginx:
    """An nginx of our own, in a temporary folder, in the foreground (so we hold its PID)."""

    def __init__(self, port, http_config):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
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
            stop(self.process, sig=signal.SIGQUIT)  # graceful: workers finish, then exit
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def static_site(port, folder):
    """nginx serving a folder of files: the ceiling for any app on this machine."""
    return f"    server {{\n        listen 127.0.0.1:{port};\n        root {folder};\n    }}"


def newsroom_site(port, app_port, cache_dir, tls=None, static_root=None, media_root=None):
    """The repository's nginx.conf, pointed at a local gunicorn and our own folders.

    ``tls``: (https_port, certificate, key) to keep the lines marked "tls"; without it they
    are dropped, as the README's plain-HTTP trial does."""
    text = NGINX_SITE.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/var/cache/nginx-newsroom": str(cache_dir),
        "/srv/newsroom/var/static/": f"{static_root or settings.STATIC_ROOT}/",
        "/srv/newsroom/var/media/": f"{media_root or settings.MEDIA_ROOT}/",
    }
    if tls:
        https_port, certificate, key = tls
        replacements |= {
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
            "/etc/ssl/newsroom/fullchain.pem": str(certificate),
            "/etc/ssl/newsroom/privkey.pem": str(key),
        }
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(f"{NGINX_SITE.name} no longer contains {old!r}; update the bench.")
        text = text.replace(old, new)
    if not tls:
        text = "\n".join(line for line in text.splitlines() if not line.endswith("# tls"))
    return text
