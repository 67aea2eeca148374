"""Two-factor authentication as the forum requires it of moderators and staff.

allauth.mfa does the work: the authenticator app (TOTP), recovery codes, and
the code step at login for every account that has an app. What it can't know
is which pages need it. A session passes when allauth has recorded a code
(from the app or a recovery code) in it: at login, or on allauth's
"enter a code" page for sessions that began another way (Django's
force_login, a login before the app was added).
"""

from enum import StrEnum

from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists
from django.http import HttpRequest


class MFAMissing(StrEnum):
    SETUP = "setup"  # no authenticator app yet
    CODE = "code"  # an app, but no code entered in this session


MESSAGES = {
    MFAMissing.SETUP: (
        "Moderators and staff need two-factor authentication. Set up an "
        "authenticator app to continue."
    ),
    MFAMissing.CODE: (
        "Moderators and staff need two-factor authentication. Enter a code "
        "from your authenticator app to continue."
    ),
}


class MFARequired(PermissionDenied):
    """The page needs two-factor authentication this session hasn't passed.
    accounts.middleware sends a GET on to the page that fixes it; anything
    else stays a 403, so nothing changes."""

    def __init__(self, missing: MFAMissing):
        self.missing = missing
        super().__init__(MESSAGES[missing])


def mfa_required() -> bool:
    return settings.MFA_REQUIRED_FOR_MODERATORS


def passed_mfa(request: HttpRequest, user) -> bool:
    """allauth records each way this session's user authenticated; "mfa" is
    a TOTP or recovery code."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, user)
    )


def authenticator_app_exists(user_ref) -> Exists:
    """For a query that wants to know in passing (comments.permissions
    asks with the moderator check, in the same query)."""
    return Exists(
        Authenticator.objects.filter(user=user_ref, type=Authenticator.Type.TOTP)
    )


def remember_authenticator_app(user, has_app: bool) -> None:
    user._has_authenticator_app = has_app


def has_authenticator_app(user) -> bool:
    cached = getattr(user, "_has_authenticator_app", None)
    if cached is None:
        cached = is_mfa_enabled(user, [Authenticator.Type.TOTP])
        remember_authenticator_app(user, cached)
    return cached


def check_mfa(user, request: HttpRequest | None = None) -> None:
    """Raise MFARequired unless the requirement is off, or user has an
    authenticator app and entered a code in this session. Callers decide
    whom it applies to (comments.permissions for moderators,
    accounts.middleware for staff in the admin). Without a request it uses
    the one allauth's middleware keeps; with none at all it refuses."""
    if not mfa_required():
        return
    if not has_authenticator_app(user):
        raise MFARequired(MFAMissing.SETUP)
    request = request if request is not None else context.request
    if request is None or not passed_mfa(request, user):
        raise MFARequired(MFAMissing.CODE)
