"""Time to save an article with a new 12-megapixel photo through the admin, with the uploads
on the local disk and on a local S3 API (moto's server mode on 127.0.0.1).

    DEBUG=1 .venv/bin/python -m tests.bench.media_save [--rounds 5]

(tests/bench/__init__.py sets Django up with the project's settings before this runs.)

Each round posts the article form (headline, body, a 4000x3000 photo-like JPEG, its alt
text) as an editor through Django's test client, into a throw-away test database (the
database DATABASE_URL names is never touched) and a temporary MEDIA_ROOT, once per storage,
alternating; it prints the median and the fastest save of each (wall clock, and the CPU time
of this process: the S3 server's own work is in the wall clock only), and the S3 requests one
save makes. The clean re-encode and the 21 renditions (about 2 s of CPU) are in both figures.
"""

import argparse
import io
import random
import re
import statistics
import tempfile
import time

import botocore.endpoint
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
from PIL import Image, ImageFilter

from articles.models import Article, Section
from newsroom.roles import sync_roles

from ..processes import s3_server
from ..s3 import s3_storage_options

SIZE = (4000, 3000)
ADD_URL = "/admin/articles/article/add/"


def photo_like_jpeg(seed=1):
    """A 12-megapixel JPEG that compresses like a photo: texture at several scales."""
    random.seed(seed)
    layers = []
    for channel in range(3):
        image = Image.new("L", SIZE, 128)
        for scale in (500, 120, 30, 6):
            noise = Image.effect_noise((SIZE[0] // scale + 1, SIZE[1] // scale + 1), 40 + channel)
            noise = noise.resize(SIZE, Image.Resampling.BICUBIC)
            image = Image.blend(image, noise, 0.35)
        layers.append(image.filter(ImageFilter.GaussianBlur(0.6)))
    buffer = io.BytesIO()
    Image.merge("RGB", layers).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def save_once(client, section, data, n):
    form = {
        "headline": f"Harbour reopens {n}",
        "slug": f"harbour-reopens-{n}",
        "dek": "Boats are back.",
        "body": "<p>Fishing boats returned to the harbour at dawn.</p>",
        "section": section.pk,
        "tags": "",
        "lead_image": "",
        "image_alt": "Fishing boats in the harbour",
        "image_caption": "",
        "image_credit": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "comments_open": "on",
        "featured_image": SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg"),
    }
    # The management forms of whatever inlines the article form has, as a browser sends them.
    page = client.get(ADD_URL).content.decode()
    form.update(
        re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d*)"', page)
    )
    start, cpu = time.perf_counter(), time.process_time()
    response = client.post(ADD_URL, form)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if response.status_code != 302:
        form = response.context["adminform"].form if response.context else None
        lines = [line for line in response.content.decode().splitlines() if "error" in line]
        raise SystemExit(
            f"The save failed ({response.status_code}): {form and form.errors} {lines}"
        )
    return elapsed, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    sent = []
    send = botocore.endpoint.Endpoint._send

    def counted(endpoint, request):
        sent.append(request.method)
        return send(endpoint, request)

    botocore.endpoint.Endpoint._send = counted
    try:
        sync_roles(Group, Permission)
        editor = get_user_model().objects.create_user("bench-editor", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editor"))
        section = Section.objects.create(name="Bench", slug="bench")
        client = Client()
        client.force_login(editor)
        data = photo_like_jpeg()
        print(f"Photo: {SIZE[0]}x{SIZE[1]} JPEG, {len(data):,} bytes")
        media = tempfile.mkdtemp(prefix="newsroom-bench-media-")
        with s3_server() as s3:
            s3.create_bucket("newsroom-bench")
            stores = {
                "local disk": {"BACKEND": "newsroom.storage.FileSystemStorage"},
                "local S3 API": s3_storage_options(s3.endpoint, "newsroom-bench"),
            }
            times = {label: [] for label in stores}
            cpus = {label: [] for label in stores}
            requests = {}
            n = 0
            for _ in range(args.rounds):
                for label, storage in stores.items():
                    n += 1
                    with override_settings(
                        STORAGES={**settings.STORAGES, "default": storage},
                        MEDIA_ROOT=media,
                        ALLOWED_HOSTS=["testserver"],
                    ):
                        sent.clear()
                        elapsed, cpu = save_once(client, section, data, n)
                        times[label].append(elapsed)
                        cpus[label].append(cpu)
                        requests[label] = len(sent)
        for label, values in times.items():
            print(
                f"{label:13} median {statistics.median(values):.2f} s, fastest "
                f"{min(values):.2f} s over {len(values)} saves (CPU of this process: median "
                f"{statistics.median(cpus[label]):.2f} s); {requests[label]} S3 requests per save"
            )
        print(f"Articles saved: {Article.objects.count()}")
    finally:
        botocore.endpoint.Endpoint._send = send
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
