import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

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
    attempt: int = 1,
) -> None:
    """Deliver one rendered message. Rendering happens in the request; only
    the sending, which can be slow, runs here. A failing send is logged and
    tried again, later where the backend has a worker, up to
    NOTIFY_MAX_ATTEMPTS times (the same bound as notifications)."""
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
    try:
        message.send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if attempt >= settings.NOTIFY_MAX_ATTEMPTS:
            logger.error("Gave up on %r after %d attempts: %s", subject, attempt, error)
            return
        logger.warning(
            "Sending %r failed, attempt %d of %d: %s",
            subject,
            attempt,
            settings.NOTIFY_MAX_ATTEMPTS,
            error,
        )
        retry = send_email
        if retry.get_backend().supports_defer:
            wait = settings.NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1)
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=wait))
        retry.enqueue(
            subject=subject,
            body=body,
            to=kept,
            from_email=from_email,
            html=html,
            headers=headers,
            attempt=attempt + 1,
        )
        return
    logger.info("sent %r to %d recipient(s)", subject, len(kept))
