from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from accounts.mfa import MFAMissing, MFARequired, check_mfa


class MFARequiredMiddleware:
    """Where two-factor authentication is required (accounts.mfa):

    - a GET refused with MFARequired, by comments.permissions or the admin
      check below, goes on to the page that fixes it, with a message; any
      other method keeps its 403, so a refused form changes nothing;
    - the admin asks it of staff. Its own login form, password only and
      without allauth's rate limits or code step, gives way to allauth's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")):
            response = self._admin(request)
            if response is not None:
                return response
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MFARequired):
            return self._send_on(request, exception)
        return None

    def _admin(self, request):
        user = request.user
        if not user.is_authenticated:
            if request.path == reverse("admin:login"):
                return redirect_to_login(
                    request.GET.get("next") or reverse("admin:index")
                )
            return None  # the admin sends them to its login, then here
        if not user.is_staff:
            return None  # the admin refuses them itself
        try:
            check_mfa(user, request)
        except MFARequired as refusal:
            response = self._send_on(request, refusal)
            if response is None:
                raise
            return response
        return None

    def _send_on(self, request, refusal: MFARequired):
        if request.method not in ("GET", "HEAD"):
            return None
        messages.warning(request, str(refusal))
        if refusal.missing == MFAMissing.SETUP:
            return redirect("mfa_activate_totp")
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
