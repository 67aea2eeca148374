import ipaddress
from types import SimpleNamespace

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from accounts.services import save_new_or_taken
from accounts.tasks import send_email

IP_HASH_PREFIX = "iphash-"


def hashed_ip(ip: str) -> str:
    """A keyed hash that stands for a client address wherever allauth
    would keep the address itself (its rate-limit keys in the cache). IPv6
    addresses are cut to their network first, as allauth groups them, so a
    client can't escape a limit by hopping within its own /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        address = None
    if isinstance(address, ipaddress.IPv6Address):
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        ip = str(ipaddress.IPv6Network(f"{address}/{prefix}", strict=False))
    digest = salted_hmac("ldnforum.client-ip", ip, algorithm="sha256").hexdigest()
    return IP_HASH_PREFIX + digest[:32]


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # We keep no IP address anywhere: allauth only needs a stable key
        # per client for its rate limits, so it gets a keyed hash instead.
        return hashed_ip(super().get_client_ip(request))

    def save_user(self, request, user, form, commit=True):
        # The display name must be in place before the first save: it is
        # required and unique.
        user.display_name = form.cleaned_data["display_name"]
        if not commit:
            return super().save_user(request, user, form, commit=False)
        # The form checked the name is free; another sign-up may have taken
        # it since. The database's constraint then refuses it, and the
        # sign-up view shows that as a form error (accounts.views.SignupView).
        parent = super()
        saved = []
        save_new_or_taken(
            user, lambda: saved.append(parent.save_user(request, user, form))
        )
        return saved[0]

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Render now, while the request and its context exist; send once the
        # transaction has committed, outside the request (DESIGN invariant 8).
        request = allauth_context.request
        site = SimpleNamespace(name=settings.SITE_NAME, domain=request.get_host())
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": site, **context},
        )
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        kwargs = {
            "subject": str(message.subject),
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "html": html,
            "headers": dict(message.extra_headers),
        }
        transaction.on_commit(lambda: send_email.enqueue(**kwargs))
