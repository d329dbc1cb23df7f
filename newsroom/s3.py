"""Uploads on S3-compatible storage (AWS S3, MinIO, Cloudflare R2, …): django-storages'
S3Storage with what a newsroom needs on top. Needs the optional dependency:
pip install -e ".[s3]" (settings.py names this class when AWS_STORAGE_BUCKET_NAME is set).

- Addresses are built from the stored name alone: one string join per file, no request and
  no signing (a page shows dozens of rendition addresses; a signed one would expire inside
  a cached page anyway). The prefix is the one boto3 itself would give, worked out once.
- A bucket that does not answer fails fast and the same way a disk does: short timeouts, few
  retries, and every error raised as ``newsroom.storage.StorageUnavailable`` (an OSError),
  which the admin turns into a message in the form (nothing half-saved, no orphan file).
- Files saved inside ``newsroom.storage.new_files_undone_on_error()`` are deleted again when
  the save they belong to fails.
"""

from urllib.parse import quote

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage as BaseS3Storage
from storages.utils import clean_name

from .storage import RemembersNewFiles, StorageUnavailable

ERRORS = (BotoCoreError, ClientError)
MARKER = "newsroom-key-marker"


def _unavailable(error):
    return StorageUnavailable(f"S3 storage: {error}")


class S3Storage(RemembersNewFiles, BaseS3Storage):
    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            # Seconds to connect, and to wait for each answer; attempts per request (the
            # first included). An editor's save waits at most about timeout x attempts,
            # which must stay well under gunicorn's timeout (30 s).
            "timeout": 5,
            "max_attempts": 2,
        }

    def __init__(self, **settings):
        super().__init__(**settings)
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                retries={"max_attempts": self.max_attempts, "mode": "standard"},
            )
        )
        self._url_prefix = None

    # Addresses ---------------------------------------------------------------------------------

    def url(self, name, parameters=None, expire=None, http_method=None):
        if parameters or http_method or self.querystring_auth:
            return super().url(name, parameters, expire, http_method)
        if self._url_prefix is None:
            # boto3's own unsigned address for a known key, cut before the key: path-style or
            # virtual-host, endpoint and custom domain exactly as boto3 and django-storages
            # write them. No request is made.
            self._url_prefix = super().url(MARKER).rsplit(MARKER, 1)[0]
        key = self._normalize_name(clean_name(name))
        if self.custom_domain:
            # django-storages quotes a custom domain's path with Django's filepath_to_uri.
            return self._url_prefix + quote(key.removeprefix(self.location).lstrip("/"), "/~!*()'")
        return self._url_prefix + quote(key.removeprefix(self.location).lstrip("/"), "/~")

    # Errors as OSError ---------------------------------------------------------------------------

    def _open(self, name, mode="rb"):
        try:
            file = super()._open(name, mode)
            if "r" in mode:
                file.file  # noqa: B018  (download now, inside this try, not on the first read)
        except ERRORS as error:
            if isinstance(error, ClientError) and _status(error) == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise _unavailable(error) from error
        return file

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except ERRORS as error:
            raise _unavailable(error) from error

    def delete(self, name):
        try:
            return super().delete(name)
        except ERRORS as error:
            raise _unavailable(error) from error

    def exists(self, name):
        try:
            return super().exists(name)
        except ERRORS as error:
            raise _unavailable(error) from error

    def listdir(self, name):
        try:
            return super().listdir(name)
        except ERRORS as error:
            raise _unavailable(error) from error

    def size(self, name):
        try:
            return super().size(name)
        except ERRORS as error:
            raise _unavailable(error) from error

    def get_modified_time(self, name):
        try:
            return super().get_modified_time(name)
        except ERRORS as error:
            if isinstance(error, ClientError) and _status(error) == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise _unavailable(error) from error

    # Whole-bucket access, for backups (newsroom/backups.py) ---------------------------------------

    @property
    def client(self):
        return self.connection.meta.client

    @property
    def prefix(self):
        """The folder inside the bucket that holds the uploads ("" for the whole bucket)."""
        return f"{self.location.strip('/')}/" if self.location.strip("/") else ""

    def objects(self):
        """(name, size) of every upload, names relative to the prefix, in key order. Folder
        markers (empty keys ending in "/", which some consoles create) are not uploads."""
        try:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket_name, Prefix=self.prefix):
                for entry in page.get("Contents", ()):
                    if not entry["Key"].endswith("/"):
                        yield entry["Key"][len(self.prefix) :], entry["Size"]
        except ERRORS as error:
            raise _unavailable(error) from error

    def is_empty(self):
        try:
            answer = self.client.list_objects_v2(
                Bucket=self.bucket_name, Prefix=self.prefix, MaxKeys=1
            )
        except ERRORS as error:
            raise _unavailable(error) from error
        return not answer.get("KeyCount")

    def download(self, name, file, callback=None):
        """Stream one upload into an open binary file, in chunks (never whole in memory)."""
        try:
            self.client.download_fileobj(
                self.bucket_name, self.prefix + name, file, Callback=callback
            )
        except ERRORS as error:
            raise _unavailable(error) from error

    def upload(self, name, file, callback=None):
        """Stream an open binary file into the bucket under ``name``, with the headers
        uploads get (content type, Cache-Control)."""
        key = self._normalize_name(clean_name(name))
        try:
            self.client.upload_fileobj(
                file,
                self.bucket_name,
                key,
                ExtraArgs=self._get_write_parameters(key),
                Callback=callback,
                Config=self.transfer_config,
            )
        except ERRORS as error:
            raise _unavailable(error) from error


def _status(error):
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
