"""A form sent to the admin by a writer who is no longer signed in (signed out in another
tab, or the session ran out) would be answered with the login page, and everything typed
lost. It gets the page that keeps the text and sends it again (newsroom.views.kept_form);
a script's request (an autosave) gets a 401 it can tell from a save."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from .security import ViewMiddleware
from .views import kept_form

# Forms a signed-out visitor sends on purpose.
OPEN_FORMS = {"login", "logout", "password_reset", "password_reset_confirm"}


class SignedOutFormKept(ViewMiddleware):
    """After AuthenticationMiddleware and CsrfViewMiddleware (a token that no longer
    matches is the CSRF refusal's, which keeps the text too)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "POST"
            or request.user.is_authenticated
            or not request.path_info.startswith(self.admin_prefix)
            or request.resolver_match.url_name in OPEN_FORMS
        ):
            return None
        if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate" or (
            "application/json" in request.headers.get("Accept", "")
        ):
            return JsonResponse(
                {"error": _("You are signed out: sign in again, then save.")}, status=401
            )
        return kept_form(request, signed_out=True)
