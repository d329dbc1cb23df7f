"""Roles and the editorial workflow, through the admin with real POSTs."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author

from .conftest import make_article, make_author, uploaded_jpeg

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def article_form(section_obj, **overrides):
    data = {
        "headline": "Ministers meet in Benghazi",
        "slug": "ministers-meet-in-benghazi",
        "dek": "A short summary.",
        "body": "<p>Some <strong>copy</strong>.</p>",
        "section": section_obj.pk,
        "tags": "Libya, US",
        "authors": [],
        "lead_image": "",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "comments_open": "on",
        # The corrections inline's management form (no notices).
        "notices-TOTAL_FORMS": "0",
        "notices-INITIAL_FORMS": "0",
        # The preview links inline's (editors only; ignored for others).
        "preview_links-TOTAL_FORMS": "0",
        "preview_links-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_groups_exist_with_their_rights():
    reporter = set(
        Group.objects.get(name="Reporter").permissions.values_list("codename", flat=True)
    )
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    moderator = set(
        Group.objects.get(name="Moderator").permissions.values_list("codename", flat=True)
    )
    assert "publish_article" not in reporter
    assert {"add_article", "change_article"} <= reporter
    assert {"publish_article", "change_section", "change_flatpage"} <= editor
    assert moderator == {"view_comment", "change_comment", "moderate_comment"}


def test_reporter_writes_a_draft_and_is_recorded_as_creator(client, reporter, section):
    client.force_login(reporter)
    response = client.post(ADD_URL, article_form(section))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="ministers-meet-in-benghazi")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter
    assert set(article.tags.names()) == {"Libya", "US"}


def test_reporter_cannot_publish_through_the_form(client, reporter, section):
    client.force_login(reporter)
    response = client.post(ADD_URL, article_form(section, status="published"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_reporter_cannot_schedule_through_a_crafted_publish_time(client, reporter, section):
    client.force_login(reporter)
    client.post(ADD_URL, article_form(section, publish_at_0="2030-01-01", publish_at_1="10:00:00"))
    article = Article.objects.get()
    assert article.publish_at is None


def test_reporter_cannot_publish_through_bulk_action(client, reporter, section):
    article = make_article(status=Article.Status.REVIEW, section=section, created_by=reporter)
    client.force_login(reporter)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_reporter_cannot_edit_a_published_article_by_crafted_post(client, reporter, section):
    article = make_article(section=section, created_by=reporter, headline="Live headline")
    client.force_login(reporter)
    response = client.post(
        change_url(article), article_form(section, headline="Defaced", slug=article.slug)
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Live headline"


def test_reporter_only_sees_their_own_articles(client, reporter, section):
    own = make_article(status=Article.Status.DRAFT, section=section, created_by=reporter)
    bylined = make_article(status=Article.Status.DRAFT, section=section)
    bylined.authors.add(make_author(user=reporter))
    other = make_article(status=Article.Status.DRAFT, section=section, headline="Someone else")
    client.force_login(reporter)
    listed = list(client.get(LIST_URL).context["cl"].queryset)
    assert set(listed) == {own, bylined}
    assert client.get(change_url(other)).status_code == 302  # "doesn't exist" redirect


def test_reporter_submits_for_review_with_bulk_action(client, reporter, section):
    article = make_article(status=Article.Status.DRAFT, section=section, created_by=reporter)
    client.force_login(reporter)
    client.post(LIST_URL, {"action": "submit_for_review", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_editor_publishes_and_unpublishes_with_bulk_actions(client, editor, section):
    article = make_article(status=Article.Status.REVIEW, section=section)
    client.force_login(editor)
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.is_published()
    client.post(LIST_URL, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editor_schedules_an_article(client, editor, section):
    client.force_login(editor)
    next_year = f"{timezone.localdate().year + 1}-01-01"
    response = client.post(
        ADD_URL,
        article_form(section, status="published", publish_at_0=next_year, publish_at_1="08:00:00"),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert not article.is_published()
    assert client.get(LIST_URL).content.count(b"Scheduled") >= 1


def test_the_list_says_which_stories_are_scheduled_live_and_taken_down(client, editor):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    make_article(headline="Runs tomorrow", publish_at=now + timedelta(days=1))
    make_article(headline="Runs now", publish_at=now - timedelta(days=1))
    make_article(
        headline="Came down",
        publish_at=now - timedelta(days=2),
        unpublish_at=now - timedelta(hours=1),
    )
    client.force_login(editor)
    html = client.get(LIST_URL).content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in html.split("<tr")[2:]}
    assert '<td class="field-status_label">Scheduled</td>' in rows["Runs tomorrow"]
    assert '<td class="field-status_label">Published</td>' in rows["Runs now"]
    assert '<td class="field-status_label">Taken down</td>' in rows["Came down"]


def test_editor_uploads_image_and_alt_is_required(client, editor, section):
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(section, featured_image=uploaded_jpeg()))
    assert response.status_code == 200
    assert "image_alt" in response.context["adminform"].form.errors
    assert not Article.objects.exists()
    response = client.post(
        ADD_URL, article_form(section, featured_image=uploaded_jpeg(), image_alt="Officials")
    )
    assert response.status_code == 302
    photo = Article.objects.get().lead_image
    assert (photo.width, photo.height, photo.alt) == (1200, 675, "Officials")
    assert photo.uploaded_by == editor


def test_body_posted_as_raw_html_is_stored_clean(client, editor, section):
    client.force_login(editor)
    client.post(
        ADD_URL, article_form(section, body='<p onmouseover="x()">Hi</p><script>x()</script>')
    )
    body = Article.objects.get().body
    assert "script" not in body and "onmouseover" not in body
    assert "Hi" in body


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("headline", "Null\x00byte", "headline"),
        ("headline", "x" * 5000, "headline"),
        ("dek", "d" * 100_000, "dek"),
        ("slug", "not a slug!", "slug"),
        ("section", "999999", "section"),
        ("publish_at_0", "2024-13-45", "publish_at"),
    ],
)
def test_bad_input_in_the_article_form_is_a_form_error(
    client, editor, section, field, value, error_field
):
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(section, **{field: value}))
    assert response.status_code == 200
    assert error_field in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_duplicate_slug_is_a_form_error(client, editor, section):
    make_article(slug="ministers-meet-in-benghazi", section=section)
    client.force_login(editor)
    response = client.post(ADD_URL, article_form(section))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_article_list_shows_pending_comment_count(client, editor, section):
    from comments.models import Comment

    article = make_article(section=section, headline="Commented piece")
    for n in range(3):
        Comment.objects.create(article=article, name="n", email=f"{n}@example.com", body=f"c{n}")
    client.force_login(editor)
    response = client.get(LIST_URL)
    assert response.context["cl"].result_list[0].num_pending_comments == 3


def test_history_view_lists_earlier_versions(client, editor, section):
    client.force_login(editor)
    client.post(ADD_URL, article_form(section, headline="First headline"))
    article = Article.objects.get()
    client.post(change_url(article), article_form(section, headline="Second headline"))
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    assert article.history.count() == 2
    earliest = article.history.earliest()
    old = client.get(
        reverse("admin:articles_article_simple_history", args=[article.pk, earliest.history_id])
    )
    assert b"First headline" in old.content


def test_moderator_cannot_open_articles(client, moderator):
    client.force_login(moderator)
    assert client.get(LIST_URL).status_code == 403


def test_author_profile_is_the_default_byline(client, reporter):
    author = Author.objects.create(name="Rita Reporter", slug="rita", user=reporter)
    client.force_login(reporter)
    form = client.get(ADD_URL).context["adminform"].form
    assert form.initial["authors"] == [author.pk]


def test_reporter_does_not_see_which_staff_login_is_behind_a_byline(
    client, reporter, django_user_model
):
    login = django_user_model.objects.create_user("desk-login-7", is_staff=True)
    author = make_author(name="Rita Reporter", user=login)
    client.force_login(reporter)
    listing = client.get(reverse("admin:articles_author_changelist"))
    change = client.get(reverse("admin:articles_author_change", args=[author.pk]))
    assert listing.status_code == change.status_code == 200
    assert "Rita Reporter" in listing.content.decode()
    for response in [listing, change]:
        assert "desk-login-7" not in response.content.decode()


def test_editor_sees_which_staff_login_is_behind_a_byline(client, editor, django_user_model):
    login = django_user_model.objects.create_user("desk-login-7", is_staff=True)
    make_author(name="Rita Reporter", user=login)
    client.force_login(editor)
    assert (
        "desk-login-7" in client.get(reverse("admin:articles_author_changelist")).content.decode()
    )


def _logins(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "active": make("rita", first_name="Rita", last_name="Haddad", is_staff=True),
        "inactive": make("gone-desk", is_staff=True, is_active=False),
        "reader": make("not-staff"),
    }


def test_editor_ties_a_byline_to_an_active_staff_login(client, editor, django_user_model):
    logins = _logins(django_user_model)
    author = make_author(name="Rita Haddad", slug="rita-haddad")
    url = reverse("admin:articles_author_change", args=[author.pk])
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{logins["active"].pk}">rita — Rita Haddad</option>' in html
    assert "gone-desk" not in html and "not-staff" not in html
    data = {"name": "Rita Haddad", "slug": "rita-haddad", "bio": "", "user": logins["active"].pk}
    assert client.post(url, data).status_code == 302
    author.refresh_from_db()
    assert author.user == logins["active"]


@pytest.mark.parametrize("which", ["inactive", "reader"])
def test_a_login_that_does_not_sign_in_to_the_admin_is_refused_for_a_byline(
    client, editor, django_user_model, which
):
    login = _logins(django_user_model)[which]
    author = make_author(name="Rita Haddad", slug="rita-haddad")
    client.force_login(editor)
    page = client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": "Rita Haddad", "slug": "rita-haddad", "bio": "Typed bio", "user": login.pk},
    )
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert "Typed bio" in page.content.decode()
    author.refresh_from_db()
    assert author.user is None and author.bio == ""


def test_a_byline_tied_to_a_login_since_disabled_keeps_it_when_saved(
    client, editor, django_user_model
):
    login = _logins(django_user_model)["inactive"]
    author = make_author(name="Old Desk", slug="old-desk", user=login)
    client.force_login(editor)
    page = client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": "Old Desk", "slug": "old-desk", "bio": "New bio", "user": login.pk},
    )
    assert page.status_code == 302
    author.refresh_from_db()
    assert author.user == login and author.bio == "New bio"


def test_reporter_is_not_offered_the_staff_login_of_a_byline(client, reporter, django_user_model):
    _logins(django_user_model)
    author = make_author(name="Rita Haddad", slug="rita-haddad")
    client.force_login(reporter)
    page = client.get(reverse("admin:articles_author_change", args=[author.pk]))
    assert page.status_code == 200
    assert 'name="user"' not in page.content.decode()
    assert "rita — Rita Haddad" not in page.content.decode()


def test_saving_a_story_unchanged_keeps_its_stored_times_to_the_microsecond(client, editor):
    """The time inputs show whole seconds. A time written by a script or an import keeps
    its microseconds through a save that did not touch it; a changed one is saved."""
    from datetime import timedelta

    from django.utils import timezone

    from .test_embargo import _form_data

    published = timezone.now().replace(microsecond=123456) - timedelta(hours=2)
    article = make_article(publish_at=published, status=Article.Status.PUBLISHED)
    client.force_login(editor)
    data = _form_data(client.get(change_url(article)))
    revisions = article.history.count()
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.publish_at == published
    assert article.history.count() == revisions  # nothing changed: nothing written

    data = _form_data(client.get(change_url(article)))
    earlier = timezone.localtime(published - timedelta(hours=1))
    data["publish_at_0"], data["publish_at_1"] = f"{earlier:%Y-%m-%d}", f"{earlier:%H:%M:%S}"
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.publish_at == (published - timedelta(hours=1)).replace(microsecond=0)


def test_the_tag_admin_is_listed_as_tags_not_by_its_package_name(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert ">Tags</a>" in html and "Taggit" not in html


# Publish times: a year typed wrong (9999) is refused; old dates (archives) are not --------------


@pytest.mark.parametrize("field", ["publish_at", "unpublish_at"])
def test_a_time_more_than_ten_years_ahead_is_refused_with_the_form_kept(
    client, editor, section, field
):
    client.force_login(editor)
    data = article_form(section, status="published", headline="Typo year")
    data.update({f"{field}_0": "9999-12-31", f"{field}_1": "23:59:00"})
    if field == "unpublish_at":
        data.update({"publish_at_0": "2026-01-01", "publish_at_1": "08:00:00"})
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "years ahead is surely a typo" in html
    assert 'value="Typo year"' in html and 'value="9999-12-31"' in html
    assert not Article.objects.exists()


def test_a_publish_time_moved_more_than_ten_years_ahead_is_refused(client, editor, section):
    article = make_article(section=section, headline="Runs today")
    client.force_login(editor)
    data = article_form(
        section,
        headline="Runs today",
        slug=article.slug,
        status="published",
        publish_at_0=f"{timezone.localdate().year + 11}-01-01",
        publish_at_1="08:00:00",
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "years ahead is surely a typo" in response.content.decode()
    assert Article.objects.get().publish_at == article.publish_at


def test_old_and_nearer_publish_times_are_accepted(client, editor, section):
    client.force_login(editor)
    near = timezone.localtime() + timedelta(days=9 * 365)
    for slug, day in [("archive", "1975-04-13"), ("near", near.strftime("%Y-%m-%d"))]:
        response = client.post(
            ADD_URL,
            article_form(
                section,
                slug=slug,
                status="published",
                publish_at_0=day,
                publish_at_1="08:00:00",
            ),
        )
        assert response.status_code == 302, slug
    assert Article.objects.count() == 2


def _user_form(user, **overrides):
    """The user admin's change form as a superuser sends it, with what it already holds."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [],
        "user_permissions": [],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **overrides,
    }


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw")


@pytest.mark.parametrize("role", ["Reporter", "Editor", "Moderator"])
def test_a_user_given_a_role_becomes_staff_and_can_sign_in(client, root, django_user_model, role):
    newcomer = django_user_model.objects.create_user("newcomer", password="a-long-password-1")
    group = Group.objects.get(name=role)
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[newcomer.pk])
    saved = client.post(url, _user_form(newcomer, groups=[group.pk]), follow=True)
    assert saved.status_code == 200
    shown = [str(message) for message in saved.context["messages"]]
    assert f"“newcomer” is now staff (“Staff status” ticked): a user with a role ({role})" in (
        " ".join(shown)
    )
    newcomer.refresh_from_db()
    assert newcomer.is_staff and list(newcomer.groups.all()) == [group]
    client.logout()
    login = {"username": "newcomer", "password": "a-long-password-1"}
    assert client.post(reverse("admin:login"), login).status_code == 302
    assert client.session["_auth_user_id"] == str(newcomer.pk)


def test_a_user_without_a_role_keeps_the_staff_status_that_was_set(client, root, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[reader.pk])
    saved = client.post(url, _user_form(reader, first_name="Rita"), follow=True)
    assert saved.status_code == 200
    assert not any("is now staff" in str(m) for m in saved.context["messages"])
    reader.refresh_from_db()
    assert reader.first_name == "Rita" and not reader.is_staff
    client.post(url, _user_form(reader, is_staff="on"))
    reader.refresh_from_db()
    assert reader.is_staff
    client.post(url, _user_form(reader, is_staff=""))
    reader.refresh_from_db()
    assert not reader.is_staff


def test_a_user_made_superuser_becomes_staff(client, root, django_user_model):
    chief = django_user_model.objects.create_user("chief")
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[chief.pk])
    saved = client.post(url, _user_form(chief, is_superuser="on"), follow=True)
    assert "“chief” is now staff (“Staff status” ticked): a superuser needs it" in " ".join(
        str(message) for message in saved.context["messages"]
    )
    chief.refresh_from_db()
    assert chief.is_superuser and chief.is_staff
