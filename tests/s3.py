"""Fixtures for the tests that run the product against a real S3 API: moto's server mode on
127.0.0.1 (tests/processes.py), one fresh bucket per test, the storage settings pointed at it
the way settings.py points them when AWS_STORAGE_BUCKET_NAME is set.

tests/conftest.py imports the fixtures, so every test module may ask for them.
"""

import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import botocore.endpoint
import pytest

from . import processes
from .processes import S3_CREDENTIALS, S3Server


def s3_storage_options(endpoint, bucket, **extra):
    """settings.STORAGES["default"] as settings.py builds it for a bucket (credentials given
    here rather than through the environment)."""
    return {
        "BACKEND": "newsroom.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": S3_CREDENTIALS["AWS_S3_REGION_NAME"],
            "custom_domain": None,
            "location": "",
            "querystring_auth": False,
            "file_overwrite": True,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
            "timeout": 5,
            "max_attempts": 2,
            "access_key": S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "secret_key": S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            **extra,
        },
    }


@dataclass
class Bucket:
    server: S3Server
    name: str

    @property
    def url(self):
        return f"{self.server.endpoint}/{self.name}/"

    def names(self, prefix=""):
        return self.server.keys(self.name, prefix)

    def read(self, key):
        return self.server.read(self.name, key)


def fetch(url):
    """Status, headers and body of a plain GET (no credentials: what a reader's browser gets)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def s3_server():
    with processes.s3_server() as server:
        yield server


README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "### Uploads on S3-compatible storage"


def readme_section():
    text = README.read_text()
    start = text.index(SECTION)
    ends = [text.find(mark, start + len(SECTION)) for mark in ("\n## ", "\n### ")]
    return text[start : min(end for end in ends if end > 0)]


def readme_json(key):
    """The README walkthrough's JSON document holding `key` ("Statement": the bucket
    policy; "Rules": the lifecycle), as written there."""
    blocks = re.findall(r"```json\n(.*?)```", readme_section(), re.S)
    [block] = [block for block in blocks if f'"{key}"' in block]
    return block


def public_read_policy(bucket, location=""):
    """The README's bucket policy for `bucket`: anyone may read the public prefixes, never
    private/. Every S3 test runs under it, so the README's policy is the tested one."""
    folder = f"{location.strip('/')}/" if location.strip("/") else ""
    policy = readme_json("Statement").replace("newsroom-media/", f"{bucket}/{folder}")
    json.loads(policy)  # still a JSON document
    return policy


@pytest.fixture
def s3_bucket(s3_server, settings):
    """A new, empty bucket with the README's public-read policy; uploads go to it for the
    rest of the test."""
    bucket = Bucket(s3_server, s3_server.create_bucket(f"newsroom-{uuid.uuid4().hex[:12]}"))
    s3_server.client().put_bucket_policy(Bucket=bucket.name, Policy=public_read_policy(bucket.name))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(s3_server.endpoint, bucket.name),
    }
    return bucket


@dataclass
class Requests:
    """Every request boto3 sends from this process (to any S3 endpoint), in order."""

    sent: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self):
        return len(self.sent)

    def clear(self):
        with self.lock:
            self.sent.clear()


@pytest.fixture
def s3_requests(monkeypatch):
    """Counts the HTTP requests boto3 makes: every one goes through Endpoint._send."""
    requests = Requests()
    send = botocore.endpoint.Endpoint._send

    def counted(endpoint, request):
        with requests.lock:
            requests.sent.append(f"{request.method} {request.url}")
        return send(endpoint, request)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", counted)
    return requests
