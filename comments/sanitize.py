"""The one place where member text becomes HTML (DESIGN invariant 3).

Members type plain text. It is escaped, http(s) URLs become links, blank
lines make paragraphs and single newlines make line breaks. bleach does the
linkifying and the allow-list; nh3 (Ammonia) re-checks the result with the
same allow-list, so a future bleach bypass still cannot reach a page.
"""

import html
import re
from collections.abc import Sequence

import bleach
import nh3
from bleach.linkifier import URL_RE, Linker

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "rel"}}
ALLOWED_PROTOCOLS = frozenset({"http", "https"})
LINK_REL = "nofollow ugc noopener"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# C0 controls other than tab and newline, the DEL/C1 range, and the two
# private-use characters we use to mark rule matches.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000\ue001]")
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"


def _link_attributes(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if not href.lower().startswith(("http://", "https://")):
        return None  # leave anything else as text
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_linker = Linker(callbacks=[_link_attributes], parse_email=False)


def clean_comment(text: str, *, highlight: Sequence[tuple[int, int]] = ()) -> str:
    """Plain text as typed -> the safe HTML stored in Comment.body_html.

    With highlight (spans of text the rules matched), the same pipeline
    makes the moderators' copy, with each span in a <mark>.
    """
    # Spans refer to the text as services.validate_body returns it, which
    # these two steps leave unchanged.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_CHARACTERS.sub("", text)
    for start, end in sorted(highlight, reverse=True):
        text = text[:start] + _MARK_OPEN + text[start:end] + _MARK_CLOSE + text[end:]
    text = text.strip()
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    markup = "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    tags = set(ALLOWED_TAGS)
    if highlight:
        tags.add("mark")
        markup = markup.replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")
    linked = _linker.linkify(markup)
    cleaned = bleach.clean(
        linked,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return nh3.clean(
        cleaned,
        tags=tags,
        # nh3 writes rel itself (link_rel), so it must not be allowed through.
        attributes={"a": {"href"}},
        url_schemes=set(ALLOWED_PROTOCOLS),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def extract_links(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of every URL clean_comment would turn into a link."""
    links = []
    for match in URL_RE.finditer(text):
        url = match.group(0)
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        if scheme in ("", "http", "https"):
            links.append((match.start(), match.end(), url))
    return links
