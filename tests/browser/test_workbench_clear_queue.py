"""Issue 3's "done means", in a real browser: a moderator clears a queue of
50 mixed comments from the keyboard alone, and each item says why it was
held before it is decided."""

import pytest
from playwright.sync_api import expect

from comments import moderation
from comments.models import (
    Comment,
    CommentStatus,
    Flag,
    ModerationEvent,
    WatchedDomain,
    WatchWord,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

S = CommentStatus


@pytest.fixture
def mixed_queue(article, user_factory, comment_factory):
    """50 waiting comments held for five different reasons, oldest first."""
    WatchWord.objects.create(phrase="miracle", kind="suspect")
    WatchedDomain.objects.create(domain="pills.example.com")
    bodies = [
        ("new member", "Week three on LDN, sleeping better."),
        ("suspect word 'miracle'", "Is this the miracle my neurologist mentioned?"),
        (
            "3 links",
            "See https://a.example.com https://b.example.com https://c.example.com",
        ),
        ("watched domain", "I order mine from https://pills.example.com/ldn"),
        ("reports", "Stop your other medicines and take only LDN."),
    ]
    queue = []
    for i in range(50):
        why, body = bodies[i % len(bodies)]
        if why == "reports":
            comment = comment_factory(
                article=article, author=user_factory(), body=f"{body} ({i})"
            )
            for _ in range(3):
                Flag.objects.create(
                    comment=comment, reporter=user_factory(), reason="medical"
                )
            comment = moderation.hide_for_reports(comment)
        else:
            comment = comment_factory(
                article=article,
                author=user_factory(),
                body=f"{body} ({i})",
                status=S.PENDING,
            )
        queue.append((comment, why))
    return queue


def test_moderator_clears_50_mixed_comments_with_the_keyboard_only(
    visitor, moderator, mixed_queue
):
    last_event = ModerationEvent.objects.latest("pk").pk
    mod = visitor("moderator")
    mod.log_in(moderator.email, PASSWORD)
    mod.page.goto("/moderation/")
    mod.page.keyboard.press("j")
    decided = {}
    for i, (comment, why) in enumerate(mixed_queue):
        item = mod.page.locator(f"#queue-{comment.pk}")
        expect(item).to_be_focused()
        # Why it is here, before deciding.
        expect(item.locator(".queue-reasons")).to_contain_text(why)
        match i % 3:
            case 0:
                mod.page.keyboard.press("a")
                decided[comment.pk] = S.APPROVED
            case 1:
                mod.page.keyboard.press("r")
                mod.page.keyboard.press("ArrowDown")
                mod.page.keyboard.press("Enter")
                decided[comment.pk] = S.REJECTED
            case 2:
                mod.page.keyboard.press("s")
                decided[comment.pk] = S.SPAM
        expect(mod.page.get_by_role("status")).to_contain_text(f"#{comment.pk}")
    expect(mod.page.locator(".workbench-items")).to_contain_text(
        "The queue is empty. Thank you!"
    )
    mod.screenshot("workbench-queue-cleared")
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert {pk: statuses[pk] for pk in decided} == decided
    # The audit log accounts for every decision: one event each, by them.
    by_moderator = ModerationEvent.objects.filter(actor=moderator, pk__gt=last_event)
    assert sorted(by_moderator.values_list("comment_id", flat=True)) == sorted(decided)
    assert mod.problems == []
