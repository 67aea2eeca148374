"""Hypothesis drives the comment, reply and report forms through the test
client with what scripts send: any Unicode (lone surrogates, which no
browser can encode, arrive as invalid UTF-8), control characters, NUL,
huge bodies, raw bytes, and forged parent and comment ids. Never a 500,
and what is stored stays consistent (DESIGN invariants 5 and 6)."""

from urllib.parse import quote_from_bytes

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment, CommentStatus, Flag, FlagReason

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Every character, surrogates included; and the ones scripts like best.
any_char = st.characters(exclude_categories=())
control_char = st.characters(max_codepoint=0x9F, categories=["Cc"])
text = st.one_of(
    st.text(any_char, max_size=300),
    st.text(st.one_of(control_char, st.sampled_from("\x00 a\r\n")), max_size=50),
    st.builds(
        lambda char, n: char * n,
        any_char,
        st.integers(django_settings.COMMENTS_MAX_LENGTH - 5, 200_000),
    ),
)
# A field's value as it crosses the wire: text encoded as UTF-8 (lone
# surrogates too, as invalid bytes), or any bytes at all.
wire = st.one_of(
    text.map(lambda value: value.encode("utf-8", "surrogatepass")),
    st.binary(max_size=300),
)
forged_int = st.integers(min_value=-(2**70), max_value=2**70)


def _form_body(fields: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(
        name.encode() + b"=" + quote_from_bytes(value).encode()
        for name, value in fields
    )


def _post(client, url: str, fields: list[tuple[str, bytes]]):
    return client.post(
        url, _form_body(fields), content_type="application/x-www-form-urlencoded"
    )


@pytest.fixture
def scene(article, article_factory, member, comment_factory, moderator):
    """Comments of every kind a forged id can point at: approved ones in a
    thread as deep as the cap, one elsewhere, and ones not approved
    (pending, rejected, spam, removed; the member's own pending one; an
    ancestor removed above replies at the cap)."""
    cap = django_settings.COMMENTS_MAX_DEPTH
    chain, parent = [], None
    for _ in range(cap):
        parent = comment_factory(article=article, parent=parent)
        chain.append(parent)
    elsewhere = comment_factory(article=article_factory())
    others = [
        comment_factory(article=article, status=status)
        for status in (
            CommentStatus.PENDING,
            CommentStatus.REJECTED,
            CommentStatus.SPAM,
            CommentStatus.REMOVED,
        )
    ]
    own_pending = comment_factory(
        article=article, author=member, status=CommentStatus.PENDING
    )
    # A second chain to the cap whose ancestor at cap - 1 is then removed:
    # a reply to its (approved) last comment attaches at that ancestor.
    removed_chain, parent = [], None
    for _ in range(cap):
        parent = comment_factory(article=article, parent=parent)
        removed_chain.append(parent)
    if cap > 1:
        from comments import moderation

        moderation.remove(removed_chain[-2], by=moderator)
    known = [*chain, elsewhere, *others, own_pending, *removed_chain]
    approved = set(
        Comment.objects.filter(status=CommentStatus.APPROVED).values_list(
            "pk", flat=True
        )
    )
    return {"known_ids": [c.pk for c in known], "approved_ids": approved}


def _parent_values(known_ids):
    return st.one_of(
        st.sampled_from(known_ids).map(lambda pk: str(pk).encode()),
        forged_int.map(lambda n: str(n).encode()),
        st.sampled_from([b"", b" 1", b"1e3", b"0x1", b"-0", b"\xff", b"1.0"]),
        wire,
    )


def _assert_new_comments_consistent(before, member, article, scene):
    new = Comment.objects.exclude(pk__in=before).select_related("parent")
    cap = django_settings.COMMENTS_MAX_DEPTH
    for comment in new:
        assert comment.author_id == member.pk
        assert comment.article_id == article.pk
        assert "\x00" not in comment.body
        assert 0 < len(comment.body) <= django_settings.COMMENTS_MAX_LENGTH
        assert 1 <= comment.depth <= cap
        if comment.parent_id is None:
            assert comment.depth == 1
        else:
            assert comment.parent.article_id == article.pk
            assert comment.parent_id in scene["approved_ids"]
            assert comment.depth == comment.parent.depth + 1
    return len(new)


def test_comment_form_never_fails_on_any_input_and_stores_consistent_rows(
    client, member, article, scene
):
    client.force_login(member)
    url = f"/articles/{article.slug}/comments/"
    before = set(Comment.objects.values_list("pk", flat=True))

    @FUZZ
    @given(
        body=wire,
        parents=st.lists(_parent_values(scene["known_ids"]), max_size=2),
        honeypot=st.sampled_from([None, b"", b"x"]),
    )
    def post(body, parents, honeypot):
        fields = [("body", body), *(("parent", value) for value in parents)]
        if honeypot is not None:
            fields.append(("website", honeypot))

        response = _post(client, url, fields)

        assert response.status_code in {302, 400, 403, 404}

    post()

    _assert_new_comments_consistent(before, member, article, scene)


def test_replies_to_any_known_comment_store_only_under_approved_parents(
    client, member, article, scene
):
    """Bodies that are mostly acceptable, parents that all exist: what gets
    stored is checked against invariant 5, including at the depth cap."""
    client.force_login(member)
    url = f"/articles/{article.slug}/comments/"
    before = set(Comment.objects.values_list("pk", flat=True))

    @FUZZ
    @given(
        body=st.text(any_char, min_size=1, max_size=200),
        parent=st.sampled_from(scene["known_ids"]),
    )
    def reply(body, parent):
        fields = [
            ("body", body.encode("utf-8", "surrogatepass")),
            ("parent", str(parent).encode()),
        ]

        response = _post(client, url, fields)

        assert response.status_code in {302, 400, 403, 404}

    reply()

    stored = _assert_new_comments_consistent(before, member, article, scene)
    assert stored > 0  # the fuzzing reached the service, not only the form


def test_report_form_never_fails_and_stores_only_valid_reports(
    client, member, article, scene
):
    client.force_login(member)
    reasons = [value.encode() for value in FlagReason.values]

    @FUZZ
    @given(
        pk=st.one_of(st.sampled_from(scene["known_ids"]), st.integers(0, 2**70)),
        reason=st.one_of(st.sampled_from(reasons), wire),
        note=wire,
    )
    def report(pk, reason, note):
        response = _post(
            client, f"/comments/{pk}/report/", [("reason", reason), ("note", note)]
        )

        assert response.status_code in {302, 400, 403, 404, 409}

    report()

    for flag in Flag.objects.select_related("comment"):
        assert flag.reporter_id == member.pk
        assert flag.reason in FlagReason.values
        assert "\x00" not in flag.note
        assert len(flag.note) <= 500
        assert flag.comment.author_id != member.pk
    assert Flag.objects.values("comment").distinct().count() == Flag.objects.count()
