"""Two-factor sign-in in a real browser: password, then the app's code, then the admin."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .browser import PHONE, open_page
from .test_browser_newsroom import PASSWORD, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_signs_in_with_a_code_from_the_app(
    chromium, live_server, django_user_model, page_errors, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    erin = staff(django_user_model, "erin", "Editor")
    page = open_page(chromium, PHONE, page_errors)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "erin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # Required and not set up: the admin sends her to set it up first.
    page.wait_for_url("**/admin/two-factor/setup/**")
    assert page.locator(".two-factor-qr svg").count() == 1
    device = TOTPDevice.objects.get(user=erin, confirmed=False)
    secret_shown = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    assert len(secret_shown) == 32

    def code():
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        return f"{totp.token():06d}"

    page.fill("#id_token", code())
    page.click("input[type=submit]")
    assert page.locator(".two-factor-codes li").count() == 10
    recovery = page.locator(".two-factor-codes li").first.inner_text().strip()
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert "What needs you now" in page.content()

    # Next sign-in, phone lost: the password, then a recovery code (the code of a step
    # already used is refused by design).
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "erin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.fill("#id_token", recovery)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    assert "Recovery code used: 9 left." in page.content()
    page.context.close()
    assert page_errors == []
