"""Every payload of the XSS corpus through comments/sanitize.py: only the
allow-list's tags come out, links are http(s) only, and all the typed text
is still there, escaped (a sanitiser that dropped everything would fail)."""

from html.parser import HTMLParser

import pytest

from comments.sanitize import ALLOWED_TAGS, LINK_REL, clean_comment
from tests.xss_corpus import collapse, is_dangerous_url, load_payloads, visible_text

PAYLOADS = load_payloads()


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.elements.append(("<!--", {}))

    def handle_pi(self, data):
        self.elements.append(("<?", {}))

    def handle_decl(self, decl):
        self.elements.append(("<!", {}))


def _parse(markup: str) -> _Markup:
    parser = _Markup()
    parser.feed(markup)
    parser.close()
    return parser


def test_xss_corpus_holds_at_least_200_distinct_payloads():
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitised_payload_keeps_only_allowed_markup_and_all_its_text(payload):
    html = clean_comment(payload)
    parsed = _parse(html)

    for tag, attrs in parsed.elements:
        assert tag in ALLOWED_TAGS, f"{tag} came through: {html}"
        if tag == "a":
            assert set(attrs) == {"href", "rel"}, html
            assert attrs["href"].startswith(("http://", "https://")), html
            assert attrs["rel"] == LINK_REL
        else:
            assert attrs == {}, f"<{tag}> kept attributes: {html}"
        assert not any(is_dangerous_url(value or "") for value in attrs.values())
    assert collapse("".join(parsed.text)) == visible_text(payload)


def test_sanitised_text_shows_a_script_tag_as_text():
    html = clean_comment("I typed <script>alert(1)</script> on purpose.")

    assert html == "<p>I typed &lt;script&gt;alert(1)&lt;/script&gt; on purpose.</p>"
