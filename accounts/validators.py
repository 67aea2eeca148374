import re

from django.core.exceptions import ValidationError

# Anything that looks like an address: a display name must never leak one.
_EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")
_ALLOWED = re.compile(r"^[\w][\w .'\-]*[\w.]$|^\w$")


def validate_display_name(value: str) -> None:
    if "@" in value or _EMAIL_LIKE.search(value):
        raise ValidationError(
            "A display name can't contain an email address.", code="email"
        )
    if not _ALLOWED.match(value):
        raise ValidationError(
            "Use letters, numbers, spaces, dots, apostrophes or hyphens.",
            code="characters",
        )
