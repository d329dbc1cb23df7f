"""Try the upload storage the way the site uses it, before editors do.

On S3-compatible storage: write a file under the private prefix and one at a public name,
read them back, fetch both addresses as a reader would (no credentials): the public one must
answer, the private one must not; then delete both. On the local disk: write, read, delete
(nginx or SERVE_MEDIA serves the files, nothing here can fetch them).
"""

import secrets
import urllib.error
import urllib.request

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from newsroom.media import PRIVATE_PREFIX

# Under the prefixes photos use, so the bucket policy is tried on the names that matter.
PUBLIC_PROBE = "images/storage-check-{token}/probe.txt"
PRIVATE_PROBE = PRIVATE_PREFIX + "images/storage-check-{token}/probe.txt"


def fetch_status(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return f"no answer ({error})"


class Command(BaseCommand):
    help = (
        "Write, read, fetch and delete a small file through the upload storage: on S3, checks "
        "that public photo names answer readers and private ones do not."
    )

    def handle(self, *args, **options):
        storage = storages["default"]
        token = secrets.token_hex(8)
        probes = {PUBLIC_PROBE.format(token=token), PRIVATE_PROBE.format(token=token)}
        content = f"newsroom storage check {token}".encode()
        problems, saved = [], []
        where = getattr(storage, "bucket_name", None)
        self.stdout.write(f"Uploads: {f's3://{where}' if where else storage.location}")
        try:
            for name in sorted(probes):
                saved.append(storage.save(name, ContentFile(content)))
            self.stdout.write(self.style.SUCCESS("OK   files are written"))
            for name in saved:
                with storage.open(name, "rb") as file:
                    if file.read() != content:
                        problems.append(f"{name} did not read back as written.")
            if not problems:
                self.stdout.write(self.style.SUCCESS("OK   files read back as written"))
            for name in saved:
                url = storage.url(name)
                if not url.startswith(("http://", "https://")):
                    continue  # a local disk: served by nginx or Django, not checked here
                status = fetch_status(url)
                if name.startswith(PRIVATE_PREFIX):
                    if status == 200:
                        problems.append(
                            f"A private file answers readers at {url}: the bucket policy must "
                            f"allow public reads of images/, articles/ and authors/ only, "
                            f"never {PRIVATE_PREFIX}."
                        )
                    else:
                        self.stdout.write(
                            self.style.SUCCESS(f"OK   private files are not public ({status})")
                        )
                elif status != 200:
                    problems.append(
                        f"A public photo name does not answer readers: {url} gave {status}. "
                        "Allow public reads of images/, articles/ and authors/ (bucket policy), "
                        "or check AWS_S3_CUSTOM_DOMAIN."
                    )
                else:
                    self.stdout.write(self.style.SUCCESS(f"OK   public photos answer at {url}"))
        except OSError as error:
            problems.append(f"The storage failed: {error}")
        finally:
            for name in saved:
                try:
                    storage.delete(name)
                except OSError as error:
                    problems.append(f"{name} could not be deleted: {error}")
        if not problems:
            self.stdout.write(self.style.SUCCESS("OK   files are deleted"))
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("The upload storage works as the site needs."))
