"""A reply at the depth cap goes up a level; never under an ancestor that
is no longer approved (found by tests/test_fuzz_forms.py)."""

import pytest

from comments import moderation
from comments.models import Comment, CommentStatus


@pytest.mark.parametrize(
    "status", [CommentStatus.REMOVED, CommentStatus.REJECTED, CommentStatus.SPAM]
)
def test_reply_at_cap_skips_an_ancestor_no_longer_approved(
    client, settings, member, moderator, article, comment_factory, status
):
    settings.COMMENTS_MAX_DEPTH = 3
    top = comment_factory(article=article)
    middle = comment_factory(article=article, parent=top)
    last = comment_factory(article=article, parent=middle)
    if status == CommentStatus.REMOVED:
        moderation.remove(middle, by=moderator)
    elif status == CommentStatus.REJECTED:
        middle = moderation.hide_for_reports(middle)
        moderation.reject(middle, by=moderator, reason="off_topic")
    else:
        moderation.mark_spam(middle, by=moderator)
    client.force_login(member)

    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"body": "Answering the last one.", "parent": last.pk},
    )

    reply = Comment.objects.get(author=member)
    assert response.status_code == 302
    assert reply.parent_id == top.pk
    assert reply.depth == 2
