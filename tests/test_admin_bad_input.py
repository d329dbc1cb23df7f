"""Hostile or mistyped values in the admin's forms and addresses: the form comes back with a
message and what was typed, never a 500."""

import pytest
from django.urls import reverse

from articles.models import Article, Author, Front

from .conftest import make_article, make_image
from .test_admin import ADD_URL, article_form, change_url
from .test_curation import _front_form

pytestmark = pytest.mark.django_db

NOT_A_ROW = ["abc", "99999999999999999999", "²"]


@pytest.mark.parametrize("value", NOT_A_ROW)
def test_a_byline_that_names_no_author_is_refused_with_the_text_kept(
    client, editor, section, value
):
    article = make_article(section=section, headline="Old words")
    client.force_login(editor)
    form = article_form(section, headline="New words typed", authors=[value])
    page = client.post(change_url(article), form)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["authors"]
    assert "New words typed" in page.content.decode()
    article.refresh_from_db()
    assert article.headline == "Old words"


def test_an_add_form_address_with_values_that_name_nothing_still_opens(client, editor):
    client.force_login(editor)
    for query in ("authors=abc,1", "publish_at=notadate", "publish_at=2026-13-45T99:00"):
        assert client.get(f"{ADD_URL}?{query}").status_code == 200, query


def test_an_add_form_address_fills_in_a_publish_time_it_can_read(client, editor):
    client.force_login(editor)
    page = client.get(f"{ADD_URL}?publish_at=2027-05-01T10:30:00")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="2027-05-01"' in html and 'value="10:30:00"' in html


@pytest.mark.parametrize("value", NOT_A_ROW)
def test_an_author_tied_to_no_login_is_refused(client, editor, value):
    client.force_login(editor)
    page = client.post(
        reverse("admin:articles_author_add"),
        {"name": "Rita Haddad", "slug": "rita-haddad", "bio": "Typed bio", "user": value},
    )
    assert page.status_code == 200
    assert "Typed bio" in page.content.decode()
    assert not Author.objects.filter(slug="rita-haddad").exists()


@pytest.mark.parametrize("value", NOT_A_ROW)
def test_a_front_slot_that_names_no_story_is_refused(client, editor, value):
    story = make_article(headline="Lead story")
    front = Front.objects.create()
    client.force_login(editor)
    data = _front_form(front, [(story, 0), (story, 1)])
    data["slots-1-article"] = value
    page = client.post(reverse("admin:articles_front_change", args=[front.pk]), data)
    assert page.status_code == 200
    assert front.slots.count() == 0
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "typed, message",
    [
        ("Libya, " + "x" * 101, "A tag has at most 100 characters"),
        (", ".join(f"tag {n}" for n in range(51)), "At most 50 tags"),
        ("y" * 100_000, "more text than tags can hold"),
    ],
    ids=["one too long", "too many", "a flood"],
)
def test_tags_longer_or_more_than_a_story_may_have_are_refused(
    client, editor, section, typed, message
):
    article = make_article(section=section, headline="Old words")
    client.force_login(editor)
    page = client.post(change_url(article), article_form(section, headline="New", tags=typed))
    assert page.status_code == 200
    assert message in page.content.decode()
    article.refresh_from_db()
    assert article.headline == "Old words" and not article.tags.exists()


def test_the_longest_tag_and_the_most_tags_are_kept(client, editor, section):
    article = make_article(section=section)
    client.force_login(editor)
    typed = ", ".join(["z" * 100, *(f"tag {n}" for n in range(49))])
    page = client.post(change_url(article), article_form(section, tags=typed))
    assert page.status_code == 302
    assert article.tags.count() == 50


def test_a_library_photo_refuses_a_tag_too_long(client, editor):
    photo = make_image(title="Harbour")
    client.force_login(editor)
    url = reverse("admin:articles_image_change", args=[photo.pk])
    form = {
        "title": "Harbour at dawn",
        "alt": "Boats",
        "caption": "",
        "credit": "",
        "copyright": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "tags": "x" * 101,
    }
    page = client.post(url, form)
    assert page.status_code == 200
    assert "A tag has at most 100 characters" in page.content.decode()
    photo.refresh_from_db()
    assert photo.title == "Harbour" and not photo.tags.exists()


@pytest.mark.parametrize(
    "live, message",
    [
        (("2027-03-01", "10:00", "2027-02-01", "10:00"), "must end after it starts"),
        (("2027-03-01", "10:00", "2027-03-01", "10:00"), "must end after it starts"),
        (("", "", "2027-02-01", "10:00"), "Say when the live coverage starts"),
    ],
    ids=["ends before it starts", "ends as it starts", "ends without a start"],
)
def test_live_coverage_that_ends_before_it_starts_is_refused(
    client, editor, section, live, message
):
    article = make_article(section=section, headline="Old words")
    client.force_login(editor)
    start_day, start_time, end_day, end_time = live
    form = article_form(
        section,
        headline="Storm live",
        live_from_0=start_day,
        live_from_1=start_time,
        live_until_0=end_day,
        live_until_1=end_time,
    )
    page = client.post(change_url(article), form)
    assert page.status_code == 200
    assert message in page.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.live_until) == ("Old words", None)


def test_a_form_claiming_a_hundred_thousand_corrections_is_refused_at_once(client, editor, section):
    article = make_article(section=section, headline="Old words")
    client.force_login(editor)
    form = article_form(section, headline="New words", **{"notices-TOTAL_FORMS": "100000"})
    page = client.post(change_url(article), form)
    assert page.status_code == 200
    assert "Please submit at most 50 forms" in page.content.decode()
    article.refresh_from_db()
    assert article.headline == "Old words"


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "role, address",
    [
        ("editor", f"/admin/articles/article/?section={HUGE}"),
        ("reporter", f"/admin/articles/article/?authors={HUGE}"),
        ("reporter", f"/admin/articles/image/?uploaded_by={HUGE}"),
        ("editor", f"/admin/articles/liveentry/?article={HUGE}"),
        ("editor", f"/admin/articles/front/?section={HUGE}"),
        ("moderator", f"/admin/comments/comment/?article={HUGE}"),
        ("moderator", f"/admin/comments/comment/?parent=-{HUGE}"),
        ("editor", f"/admin/articles/article/?id__in=1,{HUGE}"),
        ("reporter", "/admin/articles/article/?section=9_999_999_999_999_999_999"),
        ("editor", "/admin/articles/article/?section=" + "\u0669" * 21),  # Arabic-Indic nines
        ("editor", "/admin/articles/article/?section=" + "\uff19" * 21),  # full-width nines
        ("editor", f"/admin/articles/article/?id__in=1,%2B{HUGE}"),
        ("moderator", "/admin/comments/comment/?article=9_999_999_999_999_999_999"),
        ("editor", "/admin/articles/article/?publish_at__year=%2B9999"),
        ("editor", "/admin/articles/article/?publish_at__year=9_999&publish_at__month=12"),
        ("moderator", "/admin/comments/comment/?created_at__year=0"),
        ("moderator", "/admin/comments/comment/?created_at__year=-1"),
        ("moderator", "/admin/comments/comment/?created_at__iso_year=9999"),
        ("editor", "/admin/articles/article/?publish_at__year=9999"),
        ("reporter", "/admin/articles/article/?publish_at__year=9999&publish_at__month=12"),
    ],
)
def test_a_list_filtered_by_a_number_out_of_range_is_a_400_that_says_so(
    client, request, role, address
):
    """Each was a server error: no column holds the number, or the drill-down ran past 9999."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(address)
    assert response.status_code == 400
    assert "No list can be filtered by" in response.text and "out of range" in response.text


def test_lists_filtered_by_numbers_in_range_still_open(client, editor, section):
    make_article(section=section, headline="Harbour story")
    client.force_login(editor)
    for query in (f"section={section.pk}", "publish_at__year=2026", "q=" + HUGE):
        response = client.get(f"/admin/articles/article/?{query}")
        assert response.status_code == 200, query


@pytest.mark.parametrize("device", ["0", HUGE, "9223372036854775808"])
def test_nobodys_authenticator_key_opens_in_the_admin(client, editor, reporter, moderator, device):
    """Its pages were a server error for a number no device has, a 403 for one it has."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    own = TOTPDevice.objects.create(user=moderator, name="app", confirmed=True)
    for user in (reporter, editor):
        client.force_login(user)
        for number in (device, str(own.pk)):
            for page in ("config", "qrcode"):
                response = client.get(f"/admin/otp_totp/totpdevice/{number}/{page}/")
                assert response.status_code in (403, 404), (user, number, page)
