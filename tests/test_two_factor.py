"""Two-factor sign-in for staff: a code from an authenticator app (TOTP) or a single-use
recovery code after the password; required for editors and superusers when the setting
says so; password throttling stays in front of it."""

import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import make_article

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
INDEX = reverse("admin:index")
SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")


def code_for(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def signed_in(username):
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": username, "password": PASSWORD, "next": INDEX}
    )
    assert response.status_code == 302
    return client


def with_app(user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    codes = StaticDevice.objects.create(user=user, name="codes")
    codes.token_set.create(token="recover1")
    return device


def test_with_an_app_the_admin_asks_for_the_code_after_the_password(editor):
    device = with_app(editor)
    client = signed_in("editor")
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    right = client.post(VERIFY, {"token": code_for(device), "next": INDEX})
    assert right.status_code == 302 and right["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


def test_the_code_page_offers_no_admin_links_until_the_code_is_given(editor):
    """Its sidebar listed the admin's sections; each link only led back to the code page."""
    device = with_app(editor)
    client = signed_in("editor")
    page = client.get(VERIFY).content.decode()
    articles = reverse("admin:articles_article_changelist")
    assert 'id="nav-sidebar"' not in page and articles not in page
    client.post(VERIFY, {"token": code_for(device), "next": INDEX})
    assert articles in client.get(INDEX).content.decode()


def test_the_password_alone_opens_no_preview(editor, section):
    """Previews and private photos live outside the admin: they saw a password-only session
    as the editor, and showed drafts before the code was given."""
    draft = make_article(section=section, headline="Unannounced merger", status="draft")
    device = with_app(editor)
    client = signed_in("editor")
    preview = reverse("articles:preview", args=[draft.pk])
    refused = client.get(preview)
    assert refused.status_code in (302, 404) and "Unannounced merger" not in refused.text
    client.post(VERIFY, {"token": code_for(device), "next": INDEX})
    assert "Unannounced merger" in client.get(preview).text


def test_a_wrong_code_is_refused_and_slows_the_next_try(editor):
    device = with_app(editor)
    client = signed_in("editor")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    refused = client.post(VERIFY, {"token": wrong})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    # Throttled: even the right code waits a moment after a wrong one (django-otp).
    assert client.post(VERIFY, {"token": code_for(device)}).status_code == 400
    with time_machine.travel(time.time() + 30):
        assert client.post(VERIFY, {"token": code_for(device)}).status_code == 302


def test_after_many_wrong_codes_the_page_says_how_long_to_wait(editor):
    """The right code was answered "not right" while django-otp made the editor wait."""
    device = with_app(editor)
    client = signed_in("editor")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    start = time.time()
    for offset in (0, 2, 5, 10):  # each wrong code after the pause the one before set
        with time_machine.travel(start + offset, tick=False):
            assert client.post(VERIFY, {"token": wrong}).status_code == 400
    with time_machine.travel(start + 11, tick=False):
        refused = client.post(VERIFY, {"token": code_for(device)})
    assert refused.status_code == 400
    assert re.search(r"Too many wrong codes: wait \d+ seconds", refused.text)
    assert "not right" not in refused.text


def test_a_recovery_code_works_once(editor):
    with_app(editor)
    client = signed_in("editor")
    response = client.post(VERIFY, {"token": "recover1", "next": INDEX}, follow=True)
    assert "Recovery code used: 0 left." in response.content.decode()
    again = signed_in("editor")
    assert again.post(VERIFY, {"token": "recover1"}).status_code == 400


def test_without_the_setting_staff_without_an_app_sign_in_as_before(reporter):
    assert signed_in("reporter").get(INDEX).status_code == 200


def test_when_required_an_editor_sets_it_up_before_the_admin_opens(editor, reporter, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client = signed_in("editor")
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    page = client.get(SETUP)
    assert "<svg" in page.content.decode() and "Your role requires it" in page.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert client.post(SETUP, {"token": "12345x"}).status_code == 400
    with time_machine.travel(time.time() + 30):  # past the pause after a wrong code
        done = client.post(SETUP, {"token": code_for(device), "next": INDEX})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(INDEX).status_code == 200  # this session is verified
    # Reporters are not required to.
    assert signed_in("reporter").get(INDEX).status_code == 200


def test_a_superuser_is_required_too(django_user_model, settings):
    settings.TWO_FACTOR_REQUIRED = True
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    assert signed_in("root").get(INDEX)["Location"].startswith(SETUP)


def test_the_next_address_never_leaves_the_site(editor):
    device = with_app(editor)
    client = signed_in("editor")
    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == INDEX


def test_password_throttling_still_comes_first(editor, settings):
    with_app(editor)
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "editor", "password": "wrong"})
    locked = client.post(reverse("admin:login"), {"username": "editor", "password": PASSWORD})
    assert locked.status_code == 429


def test_two_factor_pages_need_a_staff_sign_in():
    for url in (SETUP, VERIFY):
        response = Client().get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_demo_editor_signs_in_with_two_factors():
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    out = StringIO()
    call_command("demo_content", stdout=out)
    editor = get_user_model().objects.get(username="editor")
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert "Two-factor sign-in is on for editor" in out.getvalue()
    reporter = get_user_model().objects.get(username="reporter")
    assert not TOTPDevice.objects.filter(user=reporter).exists()
