"""A small, bounded load generator for the fault tests (http.client, threads, loopback only).

`run_load()` starts N threads in the background; each sends requests built by a function of
(thread number, request number) until it has sent `requests_per_thread`, `seconds` have
passed, or the caller stops it, whichever comes first. Every request is recorded: when it
started and ended, its status (or the error it raised) and its X-Cache header.
"""

import http.client
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@dataclass
class Request:
    """One request to send. `form` (a dict) is sent url-encoded as a POST body."""

    path: str
    method: str = "GET"
    form: dict | None = None
    headers: dict = field(default_factory=dict)
    label: str = ""


@dataclass
class Result:
    request: Request
    started: float
    ended: float
    status: int | None = None
    error: str | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def ok(self):
        return self.status is not None and self.status < 500

    @property
    def failed(self):
        """A 5xx, or no HTTP answer at all."""
        return not self.ok


def send(port, request, timeout=10.0):
    """Send one request on a fresh connection; the result records an error instead of raising."""
    body = None
    headers = {"User-Agent": BROWSER_USER_AGENT, "Host": HOST, **request.headers}
    if request.form is not None:
        body = urlencode(request.form)
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(request.method, request.path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return Result(
            request,
            started,
            time.monotonic(),
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=content,
        )
    except (OSError, http.client.HTTPException) as error:
        return Result(request, started, time.monotonic(), error=type(error).__name__)
    finally:
        connection.close()


@dataclass
class Figures:
    """What a run sent and got back; `line()` is the one-line summary the tests print."""

    results: list

    @property
    def sent(self):
        return len(self.results)

    @property
    def server_errors(self):
        return sum(1 for result in self.results if result.status and result.status >= 500)

    @property
    def errors(self):
        return sum(1 for result in self.results if result.error)

    def statuses(self):
        return Counter(result.status or result.error for result in self.results)

    def where(self, predicate):
        return Figures([result for result in self.results if predicate(result)])

    def line(self, name, **extra):
        parts = [f"sent={self.sent}", f"5xx={self.server_errors}", f"errors={self.errors}"]
        parts += [f"{key}={value}" for key, value in extra.items()]
        return f"{name}: " + " ".join(parts)


class Load:
    def __init__(self, port, make_request, threads, requests_per_thread, seconds, timeout):
        self.port = port
        self.make_request = make_request
        self.requests_per_thread = requests_per_thread
        self.deadline = time.monotonic() + seconds
        self.timeout = timeout
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.results = []
        self.threads = [
            threading.Thread(target=self._work, args=(number,), daemon=True)
            for number in range(threads)
        ]

    def _work(self, number):
        for index in range(self.requests_per_thread):
            if self.stopping.is_set() or time.monotonic() >= self.deadline:
                return
            result = send(self.port, self.make_request(number, index), self.timeout)
            with self.lock:
                self.results.append(result)

    def figures(self):
        with self.lock:
            return Figures(list(self.results))

    def wait(self):
        """Let every thread finish its requests (bounded by the load's own deadline)."""
        for thread in self.threads:
            thread.join(max(0.0, self.deadline - time.monotonic()) + self.timeout + 5)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(self.timeout + 5)
        if any(thread.is_alive() for thread in self.threads):
            raise RuntimeError("A load thread did not finish.")


@contextmanager
def run_load(port, make_request, *, threads=4, requests_per_thread=10_000, seconds=60, timeout=10):
    """Run load in the background for the body of the `with`; yields the `Load` (use
    `.figures()`). The load stops when the block ends, or earlier at its bounds."""
    load = Load(port, make_request, threads, requests_per_thread, seconds, timeout)
    for thread in load.threads:
        thread.start()
    try:
        yield load
    finally:
        load.stop()


def rotating(requests):
    """A `make_request` that cycles through a fixed list of requests."""
    requests = list(requests)

    def make_request(thread, index):
        return requests[(thread + index) % len(requests)]

    return make_request
