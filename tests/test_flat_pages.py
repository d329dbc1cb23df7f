"""Flat pages (About, Contact, Privacy): what editors may set in the admin, and how readers
get them, whatever an older row holds."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse

from .test_sitemaps import absolute, locations, section_sitemap

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:flatpages_flatpage_add")


def page_form(**overrides):
    return {"url": "/about/", "title": "About us", "content": "<p>Who we are</p>", **overrides}


def make_page(**kwargs):
    page = FlatPage.objects.create(**page_form(**kwargs))
    page.sites.add(Site.objects.get_current())
    return page


@pytest.mark.parametrize(
    "template_name",
    ["articles/article_detail.html", "404.html", "flatpages/misspelt.html"],
)
def test_a_stored_template_name_is_not_used_the_page_is_drawn_with_ours(client, template_name):
    make_page(template_name=template_name)
    page = client.get("/about/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="article__title">About us</h1>' in html
    assert "<p>Who we are</p>" in html
    assert "Page not found" not in html
    assert locations(client, section_sitemap("pages")) == [absolute("/about/")]


def test_a_flat_page_address_without_its_slash_is_sent_to_it(client):
    make_page()
    page = client.get("/about")
    assert page.status_code == 301 and page["Location"] == "/about/"
    assert client.get("/nowhere/").status_code == 404


def test_the_form_offers_neither_a_template_nor_registration(client, editor):
    client.force_login(editor)
    html = client.get(ADD_URL).content.decode()
    assert 'name="url"' in html and 'name="content"' in html
    assert 'name="template_name"' not in html
    assert 'name="registration_required"' not in html


def test_a_template_name_or_registration_sent_anyway_is_not_saved(client, editor):
    client.force_login(editor)
    site = Site.objects.get_current()
    data = page_form(
        sites=[site.pk], template_name="articles/article_detail.html", registration_required="on"
    )
    assert client.post(ADD_URL, data).status_code == 302
    page = FlatPage.objects.get(url="/about/")
    assert page.template_name == "" and page.registration_required is False
    assert client.get("/about/").status_code == 200


def test_an_older_page_for_signed_in_staff_only_can_be_opened_to_readers(client, editor):
    """Older data may hold "registration required": readers were sent to a sign-in page they
    cannot use, and the box was nowhere to be cleared."""
    page = make_page(registration_required=True)
    assert client.get("/about/").status_code == 302
    client.force_login(editor)
    change = reverse("admin:flatpages_flatpage_change", args=[page.pk])
    html = client.get(change).content.decode()
    assert 'name="registration_required"' in html and "Clear it to let readers" in html
    site = Site.objects.get_current()
    assert client.post(change, page_form(sites=[site.pk])).status_code == 302
    page.refresh_from_db()
    assert page.registration_required is False
    assert 'name="registration_required"' not in client.get(change).content.decode()
    client.logout()
    assert client.get("/about/").status_code == 200
    assert locations(client, section_sitemap("pages")) == [absolute("/about/")]


def test_the_text_typed_in_the_admin_is_still_sanitised(client, editor):
    client.force_login(editor)
    site = Site.objects.get_current()
    typed = '<p onclick="steal()">Hi</p><script>alert(1)</script>'
    assert client.post(ADD_URL, page_form(sites=[site.pk], content=typed)).status_code == 302
    content = FlatPage.objects.get(url="/about/").content
    assert "<p>Hi</p>" in content
    assert "script" not in content and "onclick" not in content


def test_a_page_saved_without_choosing_a_site_goes_on_the_one_site(client, editor):
    client.force_login(editor)
    form = client.get(ADD_URL).context["adminform"].form
    assert form.fields["sites"].widget.is_hidden
    page = client.post(ADD_URL, page_form())
    assert page.status_code == 302
    saved = FlatPage.objects.get(url="/about/")
    assert list(saved.sites.all()) == [Site.objects.get_current()]
    assert client.get("/about/").status_code == 200


def test_an_address_taken_on_the_one_site_is_refused_with_the_text_kept(client, editor):
    make_page(title="Ours")
    client.force_login(editor)
    page = client.post(ADD_URL, page_form(title="Typed title"))
    assert page.status_code == 200
    assert "Flatpage with url /about/ already exists" in page.content.decode()
    assert "Typed title" in page.content.decode()
    assert FlatPage.objects.count() == 1


def test_with_several_sites_the_current_one_is_chosen_beforehand(client, editor):
    other = Site.objects.create(domain="other.example", name="Other")
    client.force_login(editor)
    html = client.get(ADD_URL).content.decode()
    current = Site.objects.get_current()
    assert f'<option value="{current.pk}" selected>' in html
    assert f'<option value="{other.pk}">' in html
    assert client.post(ADD_URL, page_form(sites=[other.pk])).status_code == 302
    assert list(FlatPage.objects.get(url="/about/").sites.all()) == [other]
