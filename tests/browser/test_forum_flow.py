"""The forum in a real browser: a patient comments, a moderator approves, a
reader sees it, and the author replies, badged, under the patient's story."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_comment_moderation_and_author_reply_in_the_browser(
    visitor, article, member, moderator, author
):
    patient = visitor("patient")
    patient.log_in(member.email, PASSWORD)
    patient.page.goto(article.get_absolute_url())
    patient.page.get_by_label("Your comment").fill(
        "Two months on 1.5 mg.\n\nSleeping better, fewer morning headaches."
    )
    patient.page.get_by_role("button", name="Post comment").click()
    expect(patient.page.get_by_role("status")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get(author=member)
    story = patient.page.locator(f"#c{comment.pk}")
    expect(story).to_contain_text("Awaiting moderation")
    expect(story.locator(".comment-body p")).to_have_count(2)
    patient.screenshot("01-patient-comment-pending")

    reader = visitor("reader")
    reader.page.goto(article.get_absolute_url())
    expect(reader.page.locator("#comments")).not_to_contain_text("Sleeping better")

    mod = visitor("moderator")
    mod.log_in(moderator.email, PASSWORD)
    expect(mod.page.get_by_role("link", name=re.compile("Moderation"))).to_contain_text(
        "1"
    )
    mod.page.goto("/moderation/")
    item = mod.page.locator(f"#queue-{comment.pk}")
    expect(item).to_contain_text("Sleeping better")
    mod.screenshot("02-moderation-queue")
    item.get_by_role("button", name=f"Approve #{comment.pk}").click()
    expect(mod.page.get_by_role("status")).to_contain_text("It is now public")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED

    reader.page.reload()
    expect(reader.page.locator(f"#c{comment.pk}")).to_contain_text("Sleeping better")
    expect(reader.page.locator("#comments-heading")).to_have_text("1 comment")

    writer = visitor("author")
    writer.log_in(author.email, PASSWORD)
    writer.page.goto(article.get_absolute_url())
    writer.page.locator(f"#c{comment.pk}").get_by_role(
        "link", name=re.compile("^Reply")
    ).click()
    writer.page.locator(f"#reply-{comment.pk}").get_by_label("Your comment").fill(
        "Thank you for the update. Do tell your neurologist too."
    )
    writer.page.locator(f"#reply-{comment.pk}").get_by_role(
        "button", name="Post reply"
    ).click()
    reply = Comment.objects.get(parent=comment)
    assert reply.status == CommentStatus.APPROVED
    assert writer.page.url.endswith(f"#c{reply.pk}")

    reader.page.goto(reply.get_absolute_url())
    assert reader.page.url.endswith(f"#c{reply.pk}")
    nested = reader.page.locator(f"#c{comment.pk} ~ ol.comment-children #c{reply.pk}")
    expect(nested).to_contain_text("Do tell your neurologist")
    expect(nested.locator(".badge")).to_have_text("Author")
    reader.screenshot("03-author-reply-badged")

    for person in (patient, reader, mod, writer):
        assert person.problems == [], (person.name, person.problems)


def test_pages_load_nothing_from_other_hosts(visitor, article, comment_factory):
    comment_factory(article=article)
    reader = visitor("reader")
    requested = []
    reader.page.on("request", lambda r: requested.append(r.url))
    for url in [
        "/",
        article.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        reader.page.goto(url)
    live = reader.page.url.split("/")[2]
    foreign = [u for u in requested if u.split("/")[2] != live]
    assert foreign == []
    assert any("bootstrap.min.css" in u for u in requested)
    assert reader.problems == []
