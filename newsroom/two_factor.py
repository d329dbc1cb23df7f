"""Two-factor sign-in for staff: after the password (throttled by django-axes), a code from
an authenticator app (TOTP, django-otp) or one of ten single-use recovery codes.

Anyone on the staff may turn it on; with ``TWO_FACTOR_REQUIRED`` on, superusers and holders
of the rights in ``TWO_FACTOR_REQUIRED_PERMISSIONS`` (editors) must, and are sent to set it
up before the admin opens. A session is verified once per sign-in (django-otp keeps it).
"""

import base64
import math
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
SETUP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
NO_DEVICE = "two_factor_none"  # session: True when the user had no device at sign-in


def required(user):
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return user.is_superuser or any(
        user.has_perm(name) for name in settings.TWO_FACTOR_REQUIRED_PERMISSIONS
    )


def _next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@receiver(user_logged_in)
def note_devices(sender, request, user, **kwargs):
    """Whether this staff member has a second factor, asked once per sign-in: the admin's
    pages then cost no query for it."""
    if request is not None and hasattr(request, "session") and user.is_staff:
        request.session[NO_DEVICE] = not user_has_device(user)


class TwoFactorMiddleware:
    """Between a signed-in staff member and the admin: verify the second factor first, or
    set it up when it is required. After django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect = self.redirect_for(request)
        return redirect or self.get_response(request)

    @classmethod
    def redirect_for(cls, request):
        """The admin sends a session short of its second step to that step. Everywhere
        else (previews, embargoed photos, private files) the session counts as signed out
        until then: the password alone opens nothing."""
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # nobody signed in; and a reader's page must not read the session
        admin = "/" + settings.NEWSROOM_ADMIN_PATH
        path = request.path_info
        if path.startswith(admin + "two-factor/"):
            return None
        if path in (reverse("admin:logout"), reverse("admin:login"), reverse("admin:jsi18n")):
            return None
        target = cls.step_left(request)
        if target is None:
            return None
        if not path.startswith(admin):
            request.user = AnonymousUser()
            return None
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def step_left(request):
        """The address of the step this session still has to take, or None."""
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        if NO_DEVICE not in request.session:  # signed in before this was noted
            request.session[NO_DEVICE] = not user_has_device(user)
        if not request.session[NO_DEVICE]:
            return reverse("two_factor_verify")
        if required(user):
            return reverse("two_factor_setup")
        return None


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy("The six digits your authenticator app shows, or a recovery code."),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def recovery_codes(user):
    """Ten new single-use recovery codes for ``user`` (any earlier ones stop working)."""
    StaticDevice.objects.filter(user=user).delete()
    codes = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE)
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    codes.token_set.bulk_create([StaticToken(device=codes, token=t) for t in tokens])
    return tokens


def grouped_key(device):
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def turn_on(user):
    """Two-factor sign-in on for ``user`` at once (the demo editor): returns the key to type
    into an authenticator app and the recovery codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=SETUP_DEVICE, confirmed=True)
        return grouped_key(device), recovery_codes(user)


def _qr_svg(url):
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


@never_cache
@staff_member_required
def setup(request):
    """Scan the code, type one code back: the app is confirmed, recovery codes shown once."""
    user = request.user
    if user_has_device(user):
        messages.info(request, _("Two-factor sign-in is already on for your account."))
        return HttpResponseRedirect(reverse("admin:index"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=SETUP_DEVICE, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                tokens = recovery_codes(user)
            otp_login(request, device)
            request.session[NO_DEVICE] = False
            return render(
                request,
                "admin/two_factor/codes.html",
                {"codes": tokens, "next": _next(request, reverse("admin:index")), **_site(request)},
            )
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    return render(
        request,
        "admin/two_factor/setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": grouped_key(device),
            "required": required(user),
            "next": _next(request, reverse("admin:index")),
            **_site(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@staff_member_required
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code (used up)."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("Recovery code used: %(left)d left. Set up new ones when few remain.")
                    % {"left": left},
                )
            return HttpResponseRedirect(_next(request, reverse("admin:index")))
        wait = _throttled_for(request.user)
        if wait >= MENTIONED_WAIT:
            # django-otp refuses every code, the right one too, until the wait is over.
            form.add_error(
                "token",
                _("Too many wrong codes: wait %(seconds)d seconds, then type the code again.")
                % {"seconds": wait},
            )
        else:
            form.add_error("token", _("That code is not right, or it was used already."))
    return render(
        request,
        "admin/two_factor/verify.html",
        {"form": form, "next": _next(request, reverse("admin:index")), **_site(request)},
        status=400 if form.errors else 200,
    )


MENTIONED_WAIT = 3  # seconds: the first wrong codes' short pauses go unsaid


def _throttled_for(user):
    """Seconds until the user's devices take a code again (0 when they do)."""
    now = timezone.now()
    waits = [
        (info["locked_until"] - now).total_seconds()
        for device in devices_for_user(user)
        for allowed, info in [device.verify_is_allowed()]
        if not allowed and info and info.get("locked_until")
    ]
    return math.ceil(max(waits, default=0))


def _site(request):
    """The admin's frame. Until the second step is passed (when the admin asks for it), no
    sidebar: each of its links would only come back to this page."""
    from django.contrib import admin

    context = admin.site.each_context(request)
    if TwoFactorMiddleware.step_left(request) is not None:
        context |= {"is_nav_sidebar_enabled": False, "available_apps": []}
    return context
