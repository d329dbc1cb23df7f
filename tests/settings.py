"""Test-only overrides, in one place. Everything else comes from newsroom.settings."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="newsroom-test-media-"))
os.environ.setdefault("SERVE_MEDIA", "1")
# The test client and live server speak plain HTTP; test_security.py checks the redirect.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The domain tests expect in feeds and sitemaps (Django's own default Site).
os.environ.setdefault("SITE_DOMAIN", "example.com")

from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
EMBED_FETCH = False  # no test reaches a provider; tests/test_body_blocks.py serves its own
