import logging

from django.core.mail import EmailMultiAlternatives
from django.tasks import task

from accounts.selectors import addresses_with_account

logger = logging.getLogger(__name__)


@task
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Deliver one rendered message. Rendering happens in the request; only
    the sending, which can be slow, runs here."""
    # Checked when sending, not when queueing: a member who deleted their
    # account after this was queued gets nothing, ever.
    known = addresses_with_account(to)
    kept = [address for address in to if address.strip().lower() in known]
    if len(kept) < len(to):
        logger.info("dropped %d recipient(s) with no account", len(to) - len(kept))
    if not kept:
        return
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=kept, headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    logger.info("sent %r to %d recipient(s)", subject, len(kept))
