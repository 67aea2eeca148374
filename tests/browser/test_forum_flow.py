"""The forum in a real browser, as issue 5 lists its flows: a patient signs
up through the form, verifies from the email and comments; a moderator signs
in with a code from their authenticator app and approves it from the
keyboard, and a reader sees it; the author replies, badged, under the
patient's story, and the reply's permalink scrolls to it."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_visitor_signs_up_verifies_from_the_email_and_sees_comment_awaiting_moderation(
    visitor, live_server, settings, mailoutbox, article
):
    # live_server speaks plain HTTP; production's links say https.
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    rosa = visitor("rosa")
    rosa.page.goto(article.get_absolute_url())
    rosa.page.locator("#comment-form").get_by_role("link", name="sign up").click()
    rosa.page.get_by_label("Email").fill("rosa@example.com")
    rosa.page.get_by_label("Display name").fill("Rosa M")
    rosa.page.get_by_label(re.compile(r"^\W*Password\W*$")).fill(
        "ldn-and-me-since-2019"
    )
    rosa.page.get_by_label("Password (again)").fill("ldn-and-me-since-2019")
    rosa.page.get_by_role("button", name="Sign Up").click()
    expect(rosa.page.get_by_role("heading", level=1)).to_have_text(
        "Verify Your Email Address"
    )

    # The captured email: the locmem outbox is this process's, shared with
    # live_server's threads.
    [email] = mailoutbox
    assert email.to == ["rosa@example.com"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", email.body)
    assert link, email.body
    assert link.group().startswith(live_server.url)
    rosa.page.goto(link.group())
    rosa.page.get_by_role("button", name="Confirm").click()
    expect(rosa.page.get_by_role("link", name=re.compile("^Account"))).to_contain_text(
        "Rosa M"
    )

    rosa.page.goto(article.get_absolute_url())
    rosa.page.get_by_label("Your comment").fill(
        "Three months on 3 mg.\n\nLess fog in the mornings."
    )
    rosa.page.get_by_role("button", name="Post comment").click()
    expect(rosa.page.get_by_role("status")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get(author__email="rosa@example.com")
    assert comment.status == CommentStatus.PENDING
    story = rosa.page.locator(f"#c{comment.pk}")
    expect(story).to_contain_text("Awaiting moderation")
    expect(story.locator(".comment-body p")).to_have_count(2)
    assert rosa.problems == []


def test_moderator_signs_in_with_totp_and_approves_from_the_keyboard_for_readers(
    visitor,
    settings,
    article,
    member,
    moderator,
    comment_factory,
    totp_factory,
    totp_code,
):
    settings.MFA_REQUIRED_FOR_MODERATORS = True
    # A code made just before a 30-second boundary may be checked just after.
    settings.MFA_TOTP_TOLERANCE = 1
    secret = totp_factory(moderator)
    waiting = comment_factory(
        article=article,
        author=member,
        body="Two months on 1.5 mg. Sleeping better.",
        status=CommentStatus.PENDING,
    )
    reader = visitor("reader")
    reader.page.goto(article.get_absolute_url())
    expect(reader.page.locator("#comments")).not_to_contain_text("Sleeping better")

    mod = visitor("moderator")
    mod.log_in(moderator.email, PASSWORD)
    # The password alone is not enough: allauth asks for the app's code.
    expect(mod.page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
    mod.page.get_by_label("Code").fill(totp_code(secret))
    mod.page.keyboard.press("Enter")
    moderation_link = mod.page.get_by_role("link", name=re.compile("^Moderation"))
    expect(moderation_link).to_contain_text("1")
    moderation_link.click()
    mod.page.wait_for_load_state()  # the workbench's keys are a deferred script

    # Only the keyboard from here: j to the first comment, a to approve it.
    item = mod.page.locator(f"#queue-{waiting.pk}")
    expect(item).to_contain_text("Sleeping better")
    mod.page.keyboard.press("j")
    expect(item).to_be_focused()
    mod.page.keyboard.press("a")
    expect(mod.page.get_by_role("status")).to_contain_text("It is now public")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.moderated_by) == (CommentStatus.APPROVED, moderator)

    reader.page.reload()
    expect(reader.page.locator(f"#c{waiting.pk}")).to_contain_text("Sleeping better")
    expect(reader.page.locator("#comments-heading")).to_have_text("1 comment")
    for person in (reader, mod):
        assert person.problems == [], (person.name, person.problems)


def test_author_reply_is_badged_under_the_members_comment_and_permalink_scrolls_to_it(
    visitor, article, author, member, comment_factory
):
    # Enough of a thread above that the reply starts well below the fold.
    comment_factory.create_thread(article=article, size=12, depth=3)
    story = comment_factory(
        article=article, author=member, body="Six weeks in, less fatigue."
    )
    writer = visitor("author")
    writer.log_in(author.email, PASSWORD)
    writer.page.goto(article.get_absolute_url())
    writer.page.locator(f"#c{story.pk}").get_by_role(
        "link", name=f"Reply to {member.display_name}"
    ).click()
    form = writer.page.locator(f"#reply-{story.pk}")
    form.get_by_label("Your comment").fill("Thank you. Do tell your neurologist too.")
    form.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(parent=story)
    assert reply.status == CommentStatus.APPROVED
    expect(writer.page).to_have_url(re.compile(f"#c{reply.pk}$"))
    nested = writer.page.locator(f"#c{story.pk} ~ ol.comment-children #c{reply.pk}")
    expect(nested).to_contain_text("Do tell your neurologist")
    expect(nested.locator(".comment-header .badge")).to_have_text("Author")

    reader = visitor("reader")
    reader.page.goto(f"/comments/{reply.pk}/")
    expect(reader.page).to_have_url(
        re.compile(f"{article.get_absolute_url()}#c{reply.pk}$")
    )
    target = reader.page.locator(":target")
    expect(target).to_have_id(f"c{reply.pk}")
    expect(target).to_be_in_viewport()
    expect(target.locator(".badge")).to_have_text("Author")
    assert reader.page.evaluate("window.scrollY") > 0
    for person in (writer, reader):
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
