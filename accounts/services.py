"""Every write to a member's account that the member makes themselves."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import DISPLAY_NAME_TAKEN
from accounts.selectors import display_name_taken
from articles import page_cache

# Invisible control characters (tabs and line breaks are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DisplayNameTaken(ValidationError):
    """Another account took the name between our check and the save."""

    def __init__(self) -> None:
        super().__init__({"display_name": [DISPLAY_NAME_TAKEN]})


def clean_bio(bio: str) -> str:
    bio = bio.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", bio).strip()


def save_new_or_taken(user, save) -> None:
    """Run save() in a savepoint. When the database refuses the display
    name (two sign-ups or renames racing for the same one), raise
    DisplayNameTaken so the member gets a form error instead of a 500."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError as exc:
        if display_name_taken(user.display_name, exclude_pk=user.pk):
            raise DisplayNameTaken() from exc
        raise


@transaction.atomic
def profile_update(*, member, display_name: str, bio: str):
    """Change the member's public identity: display name and bio. Their
    comments show the new name at once (they are read with their author)."""
    # A fresh row, so the caller's request.user keeps its old values when
    # this fails.
    user = get_user_model().objects.select_for_update().get(pk=member.pk)
    user.display_name = display_name.strip()
    user.bio = clean_bio(bio)
    # The case-insensitive uniqueness is checked by our own query, with a
    # plain message, and enforced by the database, which save_new_or_taken
    # turns into the same message when two members race for a name.
    user.full_clean(validate_constraints=False)
    if display_name_taken(user.display_name, exclude_pk=user.pk):
        raise DisplayNameTaken()
    save_new_or_taken(user, lambda: user.save(update_fields=["display_name", "bio"]))
    if user.display_name != member.display_name:
        page_cache.bump_for_member(user.pk)
    return user
