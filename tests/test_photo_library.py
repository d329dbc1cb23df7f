"""The photo library: one Image per photo, shared by every story that uses it."""

import re
from datetime import timedelta
from html import unescape
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from articles import image_files, images
from articles.models import Article
from articles.models import Image as LibraryImage

from .conftest import jpeg_bytes, make_article, make_image, uploaded_jpeg
from .test_admin import ADD_URL, article_form, change_url
from .test_image_access import get, picture_urls
from .test_images import IMAGE_ADD_URL, camera_jpeg, image_change_url, image_form, tags, upload

pytestmark = pytest.mark.django_db

LIBRARY_URL = reverse("admin:articles_image_changelist")

# The include as it was before the library, when an article carried its own image: what a
# library photo renders now must be exactly this.
PICTURE_BEFORE_THE_LIBRARY = (
    '{% load pictures %}{% picture_sources article crop|default:"16:9" as image %}\n'
    "{% if image %}<picture>{% for source in image.sources %}<source "
    'type="{{ source.type }}" srcset="{{ source.srcset }}" sizes="{{ sizes|default:\'100vw\' }}">'
    '{% endfor %}<img{% if class %} class="{{ class }}"{% endif %} src="{{ image.src }}" '
    'srcset="{{ image.srcset }}" sizes="{{ sizes|default:\'100vw\' }}" '
    'width="{{ image.width }}" height="{{ image.height }}" alt="{% if not decorative %}'
    '{{ article.image_alt }}{% endif %}"{% if loading == "eager" %} fetchpriority="high"'
    '{% else %} loading="lazy"{% endif %} decoding="async"></picture>\n{% endif %}\n'
)


def picture_before_the_library(file, renditions, alt, **context):
    article = SimpleNamespace(file=file, renditions=renditions, image_alt=alt, pk=None)
    return Template(PICTURE_BEFORE_THE_LIBRARY).render(Context({"article": article, **context}))


def figure(html):
    start = html.index('<figure class="article__figure">')
    return html[start : html.index("</figure>", start)]


def other_reporter(django_user_model, username="colleague"):
    user = django_user_model.objects.create_user(username, password="x" * 14, is_staff=True)
    user.groups.add(Group.objects.get(name="Reporter"))
    return user


# Uploading -----------------------------------------------------------------------------------


def test_an_upload_to_the_library_is_cleaned_and_gets_its_renditions_once(client, editor):
    client.force_login(editor)
    with mock.patch.object(images, "make_renditions", wraps=images.make_renditions) as made:
        response = client.post(
            IMAGE_ADD_URL, image_form(file=upload("gps.jpg", camera_jpeg()), tags="harbour")
        )
        assert response.status_code == 302
        photo = LibraryImage.objects.get()
        assert made.call_count == 1
        client.post(image_change_url(photo), image_form(file="", title="Renamed", tags="harbour"))
        assert made.call_count == 1  # a new title is not a new picture
    photo.refresh_from_db()
    assert (photo.title, photo.uploaded_by, photo.width, photo.height) == (
        "Renamed",
        editor,
        800,
        1200,
    )
    assert photo.file.name.startswith("private/images/")  # no published article uses it
    for name in images.stored_names(photo):
        with default_storage.open(name, "rb") as file:
            data = file.read()
        assert b"PhoneMaker" not in data and b"adobe:ns:meta" not in data, name
    assert set(photo.tags.names()) == {"harbour"}


def test_alt_text_is_required_in_the_library(client, editor):
    client.force_login(editor)
    response = client.post(IMAGE_ADD_URL, image_form(alt=""))
    assert response.status_code == 200
    # As the article form says it, not Django's "This field is required."
    assert response.context["adminform"].form.errors["alt"] == [
        "Describe the image: alt text is required."
    ]
    assert not LibraryImage.objects.exists()


def test_a_file_chosen_in_the_library_form_survives_its_errors(client, reporter):
    """A date typed the wrong way, alt text missing: the file is kept, not chosen again."""
    from .test_images import kept_token

    client.force_login(reporter)
    first = client.post(
        IMAGE_ADD_URL, image_form(alt="", file=upload("harbour.jpg", jpeg_bytes((1600, 900))))
    )
    assert first.status_code == 200
    assert "Photo kept: harbour.jpg — it will be saved with the form." in first.content.decode()
    second = client.post(
        IMAGE_ADD_URL, image_form(file="", usable_until="31/12/2027", file_kept=kept_token(first))
    )
    assert second.status_code == 200 and "usable_until" in second.context["adminform"].form.errors
    assert not LibraryImage.objects.exists()
    saved = client.post(IMAGE_ADD_URL, image_form(file="", file_kept=kept_token(second)))
    assert saved.status_code == 302
    photo = LibraryImage.objects.get()
    assert (photo.width, photo.height, photo.uploaded_by) == (1600, 900, reporter)


def test_one_photo_serves_many_articles_with_one_set_of_files(client, section):
    photo = make_image(uploaded_jpeg(size=(1600, 900)), alt="Harbour", caption="Dawn")
    first = make_article(section=section, lead_image=photo)
    second = make_article(section=section, lead_image=photo)
    pages = [client.get(a.get_absolute_url()).content.decode() for a in (first, second)]
    assert figure(pages[0]) == figure(pages[1])
    assert "Dawn" in figure(pages[0])
    assert LibraryImage.objects.count() == 1


# Same markup as before the library -----------------------------------------------------------


def test_a_lead_photo_from_the_library_renders_the_picture_an_article_image_did(client, section):
    photo = make_image(uploaded_jpeg(size=(1000, 750)), alt="Ministers")
    article = make_article(section=section, lead_image=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    expected = picture_before_the_library(
        photo.file,
        photo.renditions,
        "Ministers",
        crop="original",
        sizes="(max-width: 1000px) 100vw, 760px",
        loading="eager",
    ).strip()
    assert expected.startswith("<picture>") and 'width="960" height="720"' in expected
    assert expected in figure(html)


MIGRATE_FROM = [
    ("articles", "0010_unguessable_image_names"),
    ("newsroom", "0002_reporters_without_tag_admin"),
]


# serialized_rollback: migrating back and forth leaves content types that the next test's
# flush would re-create under new ids, and a later serialized test (scale-out) then collides.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_featured_images_into_the_library_without_re_encoding(client):
    executor = MigrationExecutor(connection)
    executor.migrate(MIGRATE_FROM)
    old = executor.loader.project_state(MIGRATE_FROM).apps
    try:
        section = old.get_model("articles", "Section").objects.create(name="World", slug="world")
        name = default_storage.save(
            f"articles/{'A' * 22}/ministers-meet.jpg", ContentFile(jpeg_bytes(size=(1000, 750)))
        )
        with default_storage.open(name, "rb") as file:
            pixels = images.prepare(images.open_image(file, upload=False))
        renditions = images.make_renditions(pixels, name, (0.5, 0.5), default_storage)
        files = {}
        for stored in images.file_names(renditions):
            with default_storage.open(stored, "rb") as file:
                files[stored] = file.read()
        old.get_model("articles", "Article").objects.create(
            headline="Ministers meet",
            slug="ministers-meet",
            section=section,
            status="published",
            publish_at=timezone.now() - timedelta(hours=1),
            featured_image=name,
            image_width=1000,
            image_height=750,
            image_alt="Ministers around a table",
            image_caption="Talks",
            image_credit="Staff",
            renditions=renditions,
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        # Forward to the latest schema (the library's migrations included): the test then
        # reads through today's models.
        executor.migrate(executor.loader.graph.leaf_nodes())

    article = Article.objects.get()
    photo = article.lead_image
    assert (photo.file.name, photo.renditions) == (name, renditions)
    assert (photo.alt, photo.caption, photo.credit, photo.width) == (
        "Ministers around a table",
        "Talks",
        "Staff",
        1000,
    )
    assert photo.title == "Ministers around a table"  # its alt text, not the headline
    for stored, data in files.items():
        with default_storage.open(stored, "rb") as file:
            assert file.read() == data, stored  # not re-encoded, not moved
    html = client.get(article.get_absolute_url()).content.decode()
    expected = picture_before_the_library(
        photo.file,
        renditions,
        "Ministers around a table",
        crop="original",
        sizes="(max-width: 1000px) 100vw, 760px",
        loading="eager",
    ).strip()
    assert expected in figure(html)
    for url in picture_urls(figure(html)):
        assert get(client, url)[0] == 200, url


# Finding photos ------------------------------------------------------------------------------


@pytest.fixture
def library(editor, reporter):
    harbour = make_image(title="Harbour at dawn", caption="Boats", credit="Rita Haddad")
    harbour.uploaded_by = reporter
    harbour.save()
    harbour.tags.add("sea")
    market = make_image(title="Market", caption="Stalls in Benghazi", credit="Agency")
    market.uploaded_by = editor
    market.usable_until = timezone.localdate() - timedelta(days=1)
    market.save()
    return harbour, market


def listed(response):
    return {photo.title for photo in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("dawn", {"Harbour at dawn"}),
        ("Benghazi", {"Market"}),
        ("haddad", {"Harbour at dawn"}),
        ("sea", {"Harbour at dawn"}),
        ("nothing-like-this", set()),
    ],
)
def test_the_library_searches_title_caption_credit_and_tags(client, editor, library, query, found):
    client.force_login(editor)
    response = client.get(LIBRARY_URL, {"q": query})
    assert response.status_code == 200
    assert listed(response) == found


def test_the_library_filters_by_uploader_and_expired_rights(client, editor, reporter, library):
    client.force_login(editor)
    assert listed(client.get(LIBRARY_URL, {"uploaded_by__id__exact": reporter.pk})) == {
        "Harbour at dawn"
    }
    assert listed(client.get(LIBRARY_URL, {"rights": "expired"})) == {"Market"}
    assert listed(client.get(LIBRARY_URL, {"rights": "usable"})) == {"Harbour at dawn"}
    recent = {"uploaded_at__gte": (timezone.now() - timedelta(days=1)).isoformat()}
    assert listed(client.get(LIBRARY_URL, recent)) == {"Harbour at dawn", "Market"}
    LibraryImage.objects.filter(title="Market").update(
        uploaded_at=timezone.now() - timedelta(days=30)
    )
    assert listed(client.get(LIBRARY_URL, recent)) == {"Harbour at dawn"}


def test_the_library_shows_a_thumbnail_and_the_rights_of_each_photo(client, editor, library):
    client.force_login(editor)
    html = client.get(LIBRARY_URL).content.decode()
    thumbnails = [img for img in tags(html, "img") if img.get("class") == "library-thumbnail"]
    assert len(thumbnails) == 2
    for img in thumbnails:
        assert get(client, img["src"])[0] == 200  # private ones through the private view
    assert "Expired" in html


def test_the_library_list_takes_a_fixed_number_of_queries(
    client, editor, library, django_assert_max_num_queries
):
    client.force_login(editor)
    for _ in range(5):
        make_image()
    with django_assert_max_num_queries(12):
        assert client.get(LIBRARY_URL).status_code == 200


# Used in, delete refusal, rights --------------------------------------------------------------


def test_used_in_lists_published_and_own_articles_but_not_colleagues_drafts(
    client, editor, reporter, section, django_user_model
):
    colleague = other_reporter(django_user_model)
    photo = make_image(title="Shared")
    make_article(section=section, lead_image=photo, headline="Live story")
    make_article(
        section=section,
        lead_image=photo,
        headline="My own draft",
        status=Article.Status.DRAFT,
        created_by=reporter,
    )
    make_article(
        section=section,
        lead_image=photo,
        headline="Colleague's secret scoop",
        status=Article.Status.DRAFT,
        created_by=colleague,
    )
    client.force_login(reporter)
    html = client.get(image_change_url(photo)).content.decode()
    used = html[html.index('class="module aligned used-in"') :]
    assert "Live story" in used and "My own draft" in used
    assert "secret scoop" not in html
    assert "1 unpublished article you cannot open" in used

    client.force_login(editor)
    used = client.get(image_change_url(photo)).content.decode()
    assert "Colleague&#x27;s secret scoop" in used and "Live story" in used


def test_deleting_a_photo_in_use_is_refused_with_where_it_is_used(
    client, editor, section, django_capture_on_commit_callbacks
):
    photo = make_image(title="In use")
    make_article(section=section, lead_image=photo, headline="Story using it")
    client.force_login(editor)
    delete_url = reverse("admin:articles_image_delete", args=[photo.pk])
    page = client.get(delete_url)
    assert page.status_code == 200
    assert "Story using it" in page.content.decode()
    assert 'type="submit"' not in page.content.decode().split('id="content"')[1]
    refused = client.post(delete_url, {"post": "yes"})
    assert "Story using it" in refused.content.decode()
    response = client.post(
        LIBRARY_URL, {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"}
    )
    assert "Story using it" in response.content.decode()
    assert LibraryImage.objects.filter(pk=photo.pk).exists()


def test_deleting_an_unused_photo_deletes_its_files(
    client, editor, django_capture_on_commit_callbacks
):
    photo = make_image()
    files = images.stored_names(photo)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not any(default_storage.exists(name) for name in files)


def test_an_article_whose_photo_rights_expired_warns_on_its_change_form(client, editor, section):
    photo = make_image(title="Old agency shot")
    photo.usable_until = timezone.localdate() - timedelta(days=3)
    photo.save()
    article = make_article(section=section, lead_image=photo)
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert "Our rights to the photo “Old agency shot” ended on" in html
    assert "Rights expired on" in html
    photo.usable_until = timezone.localdate() + timedelta(days=3)
    photo.save()
    assert "Our rights to the photo" not in client.get(change_url(article)).content.decode()


# The chooser -----------------------------------------------------------------------------------


def test_the_chosen_lead_photo_shows_its_title_caption_and_credit_when_the_form_comes_back(
    client, editor, section
):
    """As the chooser showed it when picked: a form returned with an error says it too."""
    from .test_admin import article_form

    photo = make_image(title="Clock tower", caption="The clock tower, repaired.", credit="Amira")
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(section, lead_image=photo.pk, headline=""))
    assert response.status_code == 200
    html = response.content.decode()
    chooser = html[html.index('class="image-chooser"') :]
    chooser = chooser[: chooser.index('id="id_featured_image"')]
    for words in ("Clock tower", "The clock tower, repaired.", "Amira"):
        assert words in chooser


def test_the_article_form_opens_the_library_as_a_chooser_that_returns_the_id(
    client, editor, section
):
    photo = make_image(title="Pick me")
    client.force_login(editor)
    html = client.get(ADD_URL).content.decode()
    [chooser] = [a for a in tags(html, "a") if a.get("id") == "lookup_id_lead_image"]
    assert "related-lookup" in chooser["class"]
    popup = client.get(chooser["href"], {"_popup": 1})
    assert popup.status_code == 200
    body = popup.content.decode()
    assert f'data-popup-opener="{photo.pk}"' in body
    assert "library-thumbnail" in body
    add = [a for a in tags(body, "a") if a.get("href", "").startswith(IMAGE_ADD_URL)]
    assert add and "_popup=1" in add[0]["href"]  # upload from the chooser, too

    response = client.post(ADD_URL, article_form(section, lead_image=photo.pk))
    assert response.status_code == 302
    assert Article.objects.get().lead_image == photo
    html = client.get(change_url(Article.objects.get())).content.decode()
    assert 'class="image-chooser__thumbnail"' in html and "Pick me" in html


def test_a_photo_added_in_the_chooser_popup_goes_back_to_the_article_form(client, editor):
    client.force_login(editor)
    response = client.post(f"{IMAGE_ADD_URL}?_popup=1&_to_field=id", image_form(_popup="1"))
    assert response.status_code == 200
    photo = LibraryImage.objects.get()
    assert f'"value": "{photo.pk}"' in unescape(response.content.decode())
    assert photo.uploaded_by == editor


def test_a_reporter_cannot_choose_a_colleagues_unpublished_photo(
    client, reporter, section, django_user_model
):
    colleague = other_reporter(django_user_model)
    hidden = make_image(title="Colleague's scoop photo", uploaded_by=colleague)
    public = make_image(title="Already live")
    make_article(section=section, lead_image=public)
    client.force_login(reporter)
    popup = client.get(LIBRARY_URL, {"_popup": 1, "_to_field": "id"}).content.decode()
    assert f'data-popup-opener="{public.pk}"' in popup
    assert "scoop photo" not in popup
    response = client.post(ADD_URL, article_form(section, lead_image=hidden.pk))
    assert response.status_code == 200
    assert "lead_image" in response.context["adminform"].form.errors
    assert "scoop photo" not in response.content.decode()


# Roles ---------------------------------------------------------------------------------------


def test_groups_hold_the_librarys_rights():
    rights = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in ("Reporter", "Editor", "Moderator")
    }
    assert {"add_image", "change_image", "view_image"} <= rights["Reporter"]
    assert "delete_image" not in rights["Reporter"]
    assert {"add_image", "change_image", "delete_image", "view_image"} <= rights["Editor"]
    assert not {p for p in rights["Moderator"] if p.endswith("_image")}


def test_a_reporter_uploads_and_changes_their_own_photos_only(
    client, reporter, section, django_user_model
):
    colleague = other_reporter(django_user_model)
    theirs = make_image(title="Theirs", uploaded_by=colleague)
    make_article(section=section, lead_image=theirs)  # live: the reporter may see it
    client.force_login(reporter)
    assert client.post(IMAGE_ADD_URL, image_form(title="Mine")).status_code == 302
    mine = LibraryImage.objects.get(title="Mine")
    assert mine.uploaded_by == reporter
    response = client.post(image_change_url(mine), image_form(file="", title="Mine, renamed"))
    assert response.status_code == 302
    assert (
        client.post(image_change_url(theirs), image_form(file="", title="Hijacked")).status_code
        == 403
    )
    assert client.get(image_change_url(theirs)).status_code == 200  # view only
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"
    delete_url = reverse("admin:articles_image_delete", args=[theirs.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:articles_image_delete", args=[mine.pk])).status_code == 403


@pytest.mark.parametrize(
    "status, changeable",
    [
        (Article.Status.DRAFT, True),
        (Article.Status.REVIEW, False),
        (Article.Status.PUBLISHED, False),
    ],
)
def test_a_reporter_changes_their_photo_only_while_their_drafts_alone_show_it(
    client, reporter, section, status, changeable
):
    """A reporter's own upload in a live story could be swapped or recaptioned with no
    editor: readers saw the change at once, as they would never see a reporter's edit to
    the story's text."""
    mine = make_image(title="Harbour", caption="The harbour at dawn", uploaded_by=reporter)
    make_article(section=section, lead_image=mine, status=status, created_by=reporter)
    client.force_login(reporter)
    page = client.get(image_change_url(mine))
    assert page.status_code == 200
    told = "ask an editor to change it" in page.content.decode()
    assert told is not changeable
    answer = client.post(image_change_url(mine), image_form(file="", caption="Swapped"))
    assert answer.status_code == (302 if changeable else 403)
    mine.refresh_from_db()
    assert (mine.caption == "Swapped") is changeable


def test_an_editor_still_changes_a_reporters_photo_in_a_live_story(client, editor, reporter):
    mine = make_image(title="Harbour", uploaded_by=reporter)
    make_article(lead_image=mine)
    client.force_login(editor)
    answer = client.post(image_change_url(mine), image_form(file="", caption="Fixed by desk"))
    assert answer.status_code == 302
    mine.refresh_from_db()
    assert mine.caption == "Fixed by desk"


def test_moderators_have_no_library(client, moderator):
    photo = make_image()
    client.force_login(moderator)
    assert client.get(LIBRARY_URL).status_code == 403
    assert client.get(image_change_url(photo)).status_code == 403
    assert client.get(IMAGE_ADD_URL).status_code == 403
    thumbnail = images.thumbnail_url(photo)
    assert get(client, thumbnail)[0] == 404


# Public or private -----------------------------------------------------------------------------


def test_a_photo_shared_by_a_live_story_and_a_draft_is_public(
    client, editor, section, django_capture_on_commit_callbacks
):
    photo = make_image()
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_article(section=section, lead_image=photo, status=Article.Status.DRAFT)
    photo.refresh_from_db()
    assert photo.file.name.startswith("private/images/")
    with django_capture_on_commit_callbacks(execute=True):
        live = make_article(section=section, lead_image=photo)
    photo.refresh_from_db()
    assert photo.file.name.startswith("images/")
    assert image_files.is_unguessable(photo.file.name)
    public = images.stored_names(photo)
    for url in picture_urls(client.get(live.get_absolute_url()).content.decode()):
        assert re.match(r"^/media/images/", url) and get(client, url)[0] == 200, url
    # The draft's preview shows the same public files.
    client.force_login(editor)
    preview = client.get(reverse("articles:preview", args=[draft.pk])).content.decode()
    assert set(picture_urls(preview)) == set(
        picture_urls(client.get(live.get_absolute_url()).content.decode())
    )
    client.logout()

    # The live story is pulled: no published article uses the photo any more.
    live.status = Article.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        live.save()
    photo.refresh_from_db()
    assert photo.file.name.startswith("private/images/")
    assert not any(default_storage.exists(name) for name in public)
    assert all(default_storage.exists(name) for name in images.stored_names(photo))


def test_changing_a_live_storys_photo_takes_the_old_one_out_of_public_reach(
    section, django_capture_on_commit_callbacks
):
    first, second = make_image(), make_image()
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(section=section, lead_image=first)
    first.refresh_from_db()
    assert first.file.name.startswith("images/")
    article.lead_image = second
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.file.name.startswith("private/images/")
    assert second.file.name.startswith("images/")


def test_a_colleagues_unpublished_photo_is_not_served_to_a_reporter(
    client, reporter, django_user_model
):
    colleague = other_reporter(django_user_model)
    photo = make_image(uploaded_by=colleague)
    url = images.thumbnail_url(photo)
    assert url.startswith(f"/preview/images/{photo.pk}/")
    client.force_login(colleague)
    assert get(client, url)[0] == 200
    client.force_login(reporter)
    assert get(client, url)[0] == 404
    client.logout()
    assert get(client, url)[0] == 404
    assert get(client, "/media/" + photo.file.name)[0] == 404


def test_the_article_list_shows_no_more_queries_with_lead_photos(
    client, section, django_assert_max_num_queries
):
    for _ in range(6):
        make_article(section=section, featured_image=uploaded_jpeg(), image_alt="A")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("articles:section", args=[section.slug])).status_code == 200


def test_upload_in_the_article_form_still_lands_in_the_library_for_its_uploader(
    client, reporter, section
):
    client.force_login(reporter)
    response = client.post(
        ADD_URL, article_form(section, featured_image=uploaded_jpeg(), image_alt="Quay")
    )
    assert response.status_code == 302
    photo = Article.objects.get().lead_image
    assert (photo.uploaded_by, photo.alt, photo.title) == (reporter, "Quay", "Quay")
    assert client.get(image_change_url(photo)).status_code == 200


def test_a_scheduled_storys_photo_stays_out_of_colleagues_library(
    client, reporter, section, django_user_model
):
    colleague = other_reporter(django_user_model)
    photo = make_image(title="Embargoed portrait", uploaded_by=colleague)
    make_article(
        section=section,
        lead_image=photo,
        headline="Tomorrow's exclusive",
        publish_at=timezone.now() + timedelta(days=1),
        created_by=colleague,
    )
    photo.refresh_from_db()
    assert photo.file.name.startswith("images/")  # public name, ready for its time
    client.force_login(reporter)
    assert "Embargoed portrait" not in client.get(LIBRARY_URL).content.decode()
    assert client.get(image_change_url(photo)).status_code == 302  # "does not exist"


def test_a_changed_caption_renews_the_cached_pages_that_show_the_photo(client, section):
    photo = make_image(caption="First caption")
    article = make_article(section=section, lead_image=photo)
    assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
    photo.caption = "Corrected caption"
    photo.save()
    response = client.get(article.get_absolute_url())
    assert "Corrected caption" in response.content.decode()


def test_the_photo_form_names_its_uploader_without_a_link_to_their_login(client, editor, reporter):
    from django.urls import reverse

    photo = make_image(title="Harbour", uploaded_by=reporter)
    client.force_login(editor)
    html = client.get(reverse("admin:articles_image_change", args=[photo.pk])).content.decode()
    assert str(reporter) in html
    assert reverse("admin:auth_user_change", args=[reporter.pk]) not in html
