"""Reads of accounts."""

from django.contrib.auth import get_user_model


def display_name_taken(name: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another account uses this display name, ignoring case, as
    the database's user_display_name_unique_ci constraint compares them."""
    others = get_user_model().objects.filter(display_name__iexact=name.strip())
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()
