"""The README's walkthrough "Uploads on S3-compatible storage", followed against a real S3 API
(moto's server): its bucket policy (every S3 test runs under it, tests/s3.py), its lifecycle
rules, its settings, and `manage.py check_storage`, which ends it."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import kept_uploads
from newsroom.media import PRIVATE_PREFIX

from .conftest import make_article, make_image, uploaded_jpeg
from .processes import HOST, ROOT, free_port
from .s3 import fetch, readme_json, readme_section, s3_storage_options
from .test_production import gunicorn_config, production_setting

pytestmark = pytest.mark.django_db


def test_under_the_readme_policy_readers_get_published_photos_and_never_private_ones(s3_bucket):
    draft_photo = make_image()
    live = make_article(featured_image=uploaded_jpeg(size=(1600, 900))).lead_image
    assert draft_photo.file.name.startswith(PRIVATE_PREFIX)
    assert fetch(s3_bucket.url + draft_photo.file.name)[0] == 403
    assert fetch(s3_bucket.url + live.file.name)[0] == 200
    kept = [name for name in s3_bucket.names() if name.startswith(PRIVATE_PREFIX)]
    assert kept and all(fetch(s3_bucket.url + name)[0] == 403 for name in kept)


def test_check_storage_passes_on_a_bucket_set_up_as_the_readme_says(s3_bucket):
    out = StringIO()
    call_command("check_storage", stdout=out)
    text = out.getvalue()
    assert f"Uploads: s3://{s3_bucket.name}" in text
    assert "OK   private files are not public (403)" in text
    assert f"OK   public photos answer at {s3_bucket.url}images/storage-check-" in text
    assert "The upload storage works as the site needs." in text
    assert s3_bucket.names() == []  # it cleans up after itself


def test_check_storage_says_what_to_fix_without_the_policy(s3_bucket, s3_server):
    s3_server.client().delete_bucket_policy(Bucket=s3_bucket.name)
    with pytest.raises(CommandError, match="A public photo name does not answer readers"):
        call_command("check_storage", stdout=StringIO())
    assert s3_bucket.names() == []


def test_check_storage_says_what_to_fix_when_private_files_are_public(s3_bucket, s3_server):
    everything = readme_json("Statement").replace(
        '"arn:aws:s3:::newsroom-media/images/*"', f'"arn:aws:s3:::{s3_bucket.name}/*"'
    )
    s3_server.client().put_bucket_policy(Bucket=s3_bucket.name, Policy=everything)
    with pytest.raises(CommandError, match="A private file answers readers"):
        call_command("check_storage", stdout=StringIO())


def test_check_storage_reports_a_bucket_that_does_not_answer(s3_bucket, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(f"http://{HOST}:{free_port()}", s3_bucket.name),
    }
    with pytest.raises(CommandError, match="The storage failed: S3 storage: Could not connect"):
        call_command("check_storage", stdout=StringIO())


def test_check_storage_on_the_local_disk_writes_reads_and_deletes():
    out = StringIO()
    call_command("check_storage", stdout=out)
    assert "OK   files read back as written" in out.getvalue()
    assert "OK   files are deleted" in out.getvalue()


def test_the_readme_lifecycle_is_a_valid_configuration_for_the_apps_prefixes(s3_bucket, s3_server):
    rules = json.loads(readme_json("Rules"))
    client = s3_server.client()
    client.put_bucket_lifecycle_configuration(Bucket=s3_bucket.name, LifecycleConfiguration=rules)
    stored = client.get_bucket_lifecycle_configuration(Bucket=s3_bucket.name)["Rules"]
    assert [rule["ID"] for rule in stored] == [rule["ID"] for rule in rules["Rules"]]
    kept = next(rule for rule in stored if "Expiration" in rule)
    assert kept["Filter"]["Prefix"] == kept_uploads.FOLDER  # where kept uploads are stored
    # Longer than a kept upload's token lives, so the rule never takes one still in use.
    assert kept["Expiration"]["Days"] > kept_uploads.MAX_AGE.days


def test_the_readme_names_every_s3_setting_the_site_reads():
    settings_text = (ROOT / "newsroom" / "settings.py").read_text()
    read = set(re.findall(r'"(AWS_[A-Z0-9_]+)"', settings_text))
    assert {"AWS_STORAGE_BUCKET_NAME", "AWS_S3_TIMEOUT", "AWS_S3_MAX_ATTEMPTS"} <= read
    section = readme_section()
    assert all(f"`{name}`" in section for name in read), read
    # The walkthrough ends with the check.
    assert "manage.py check_storage" in section


def test_the_tests_run_the_storage_settings_production_builds_from_the_readmes_variables():
    """tests/s3.py configures the storage by hand (credentials given directly): it must be
    what settings.py builds from the environment the walkthrough sets, short of timeouts."""
    built = production_setting(
        's.STORAGES["default"]',
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    tested = s3_storage_options("http://127.0.0.1:9000", "newsroom-media")
    assert built["BACKEND"] == tested["BACKEND"]
    options = {
        key: value
        for key, value in tested["OPTIONS"].items()
        if key not in {"access_key", "secret_key", "timeout", "max_attempts"}
    }
    assert {key: built["OPTIONS"][key] for key in options} == options
    assert set(built["OPTIONS"]) == set(options) | {"timeout", "max_attempts"}


def test_a_hanging_bucket_gives_up_well_before_gunicorn_kills_the_worker(monkeypatch):
    """Otherwise the editor would get gunicorn's 502 instead of the message in the form."""
    options = production_setting(
        's.STORAGES["default"]["OPTIONS"]', AWS_STORAGE_BUCKET_NAME="newsroom-media"
    )
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    worker_timeout = gunicorn_config(monkeypatch)["timeout"]
    assert options["timeout"] * options["max_attempts"] <= worker_timeout / 2
