import re
import unicodedata

from django.core.exceptions import ValidationError

# Anything that looks like an address: a display name must never leak one.
_EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")
_ALLOWED = re.compile(r"^[\w][\w .'\-]*[\w.]$|^\w$")
# An address in free text, also when spelled out to dodge a filter
# ("pat (at) example (dot) org"); run on NFKC-folded text so full-width
# forms count too.
_EMAIL_IN_TEXT = re.compile(
    r"[\w.+\-]+\s*(?:@|\(at\)|\[at\]|\{at\})\s*[\w\-]+"
    r"(?:\s*(?:\.|\(dot\)|\[dot\]|\{dot\})\s*[\w\-]+)+",
    re.IGNORECASE,
)


def validate_display_name(value: str) -> None:
    folded = unicodedata.normalize("NFKC", value)
    if "@" in folded or _EMAIL_LIKE.search(folded) or _EMAIL_IN_TEXT.search(folded):
        raise ValidationError(
            "A display name can't contain an email address.", code="email"
        )
    if not _ALLOWED.match(value):
        raise ValidationError(
            "Use letters, numbers, spaces, dots, apostrophes or hyphens.",
            code="characters",
        )


def validate_no_email_address(value: str) -> None:
    """For public free text (a profile's bio): email addresses are never
    shown on a public page (DESIGN invariant 9)."""
    if _EMAIL_IN_TEXT.search(unicodedata.normalize("NFKC", value)):
        raise ValidationError(
            "Please leave email addresses out: everything here is public.",
            code="email",
        )
