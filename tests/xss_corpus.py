"""The XSS corpus in tests/data/xss_payloads.txt and what every rendering of
it must satisfy, shared by the sanitiser's test and the browser's."""

import re
from pathlib import Path

from comments.sanitize import CONTROL_CHARACTERS

CORPUS = Path(__file__).parent / "data" / "xss_payloads.txt"

# Attributes that take a URL a browser would follow or load.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\ufeff]")


def load_payloads() -> list[str]:
    # split("\n"), not splitlines(): payloads may hold \x0c, \x85 or \u2028,
    # which splitlines() takes for line ends.
    text = CORPUS.read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def visible_text(typed: str) -> str:
    """What a reader should see of the text a member typed: all of it,
    escaped rather than interpreted, bar the invisible control characters
    the sanitiser drops, with whitespace runs as one space."""
    return collapse(CONTROL_CHARACTERS.sub("", typed))


def collapse(text: str) -> str:
    return " ".join(text.split())


def is_dangerous_url(value: str) -> bool:
    return _URL_NOISE.sub("", value).lower().startswith(DANGEROUS_SCHEMES)
