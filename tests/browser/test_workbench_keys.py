"""The workbench from the keyboard, in a real browser: j moves to the first
comment, a approves it, r and Enter reject the next, ? shows the keys, and
nothing logs an error."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus, RejectionReason
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_moderator_approves_from_the_keyboard_and_sees_the_keys(
    visitor, article, user_factory, moderator, comment_factory
):
    waiting = [
        comment_factory(
            article=article, author=user_factory(), status=CommentStatus.PENDING
        )
        for _ in range(3)
    ]
    mod = visitor("moderator")
    mod.log_in(moderator.email, PASSWORD)
    mod.page.goto("/moderation/")
    first = mod.page.locator(f"#queue-{waiting[0].pk}")
    expect(first).to_be_visible()

    mod.page.keyboard.press("j")
    expect(first).to_be_focused()
    mod.page.keyboard.press("a")
    expect(mod.page.get_by_role("status")).to_contain_text("It is now public")
    assert Comment.objects.get(pk=waiting[0].pk).status == CommentStatus.APPROVED
    assert Comment.objects.get(pk=waiting[1].pk).status == CommentStatus.PENDING
    # Back on the queue, focus is on the comment that came next.
    expect(mod.page.locator(f"#queue-{waiting[1].pk}")).to_be_focused()

    # r, a reason with the arrow keys, Enter: rejected.
    mod.page.keyboard.press("r")
    expect(mod.page.locator(f"#reason-{waiting[1].pk}")).to_be_focused()
    mod.page.keyboard.press("ArrowDown")
    mod.page.keyboard.press("Enter")
    expect(mod.page.get_by_role("status")).to_contain_text(
        f"Rejected comment #{waiting[1].pk}."
    )
    rejected = Comment.objects.get(pk=waiting[1].pk)
    assert (rejected.status, rejected.moderation_reason) == (
        CommentStatus.REJECTED,
        RejectionReason.OFF_TOPIC,
    )
    expect(mod.page.locator(f"#queue-{waiting[2].pk}")).to_be_focused()

    keys = mod.page.locator("#workbench-keys")
    expect(keys).to_be_hidden()
    mod.page.keyboard.press("?")
    expect(keys).to_be_visible()
    expect(keys).to_contain_text("Approve the comment")
    mod.screenshot("workbench-keys-help")
    mod.page.keyboard.press("Escape")
    expect(keys).to_be_hidden()

    # Keys are ignored while typing in a field.
    search = mod.page.get_by_label("Text contains")
    search.press_sequentially("j?as")
    expect(search).to_have_value("j?as")
    expect(search).to_be_focused()
    expect(keys).to_be_hidden()

    assert mod.problems == []
