"""Reads of accounts."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower


def display_name_taken(name: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another account uses this display name, ignoring case, as
    the database's user_display_name_unique_ci constraint compares them."""
    others = get_user_model().objects.filter(display_name__iexact=name.strip())
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def addresses_with_account(emails: list[str]) -> set[str]:
    """Which of these addresses (lower-cased) belong to an account, as its
    login or one of its allauth email addresses, verified or not."""
    wanted = {email.strip().lower() for email in emails}
    users = get_user_model().objects.annotate(address=Lower("email"))
    known = set(users.filter(address__in=wanted).values_list("address", flat=True))
    others = EmailAddress.objects.annotate(address=Lower("email"))
    known |= set(others.filter(address__in=wanted).values_list("address", flat=True))
    return known
