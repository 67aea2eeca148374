"""What a member does with comments, in a real browser with JavaScript on
and with it off: reply under someone's comment, report one, edit and delete
their own. Every one of these is a plain link or form, so neither way may
lose anything."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus, Flag
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "javascript", [True, False], ids=["javascript-on", "javascript-off"]
)
def test_member_replies_reports_edits_and_deletes_with_javascript_on_or_off(
    visitor, article, member, other_member, comment_factory, javascript
):
    anns = comment_factory(
        article=article, author=other_member, body="Ann: a year on 4.5 mg."
    )
    pats = comment_factory(article=article, author=member, body="Pat: week one.")
    pat = visitor("pat", java_script_enabled=javascript)
    pat.log_in(member.email, PASSWORD)
    page = pat.page
    page.goto(article.get_absolute_url())
    # The page's own scripts (Bootstrap's bundle) ran, or really didn't.
    scripts_ran = page.evaluate("() => Boolean(window.bootstrap)")
    assert scripts_ran is javascript

    # Reply under Ann's comment, in the form that opens beneath it.
    page.locator(f"#c{anns.pk}").get_by_role(
        "link", name=f"Reply to {other_member.display_name}"
    ).click()
    reply_form = page.locator(f"#reply-{anns.pk}")
    reply_form.get_by_label("Your comment").fill("Pat: how was the first month?")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    reply = Comment.objects.get(parent=anns)
    assert (reply.author, reply.status) == (member, CommentStatus.PENDING)
    expect(page.locator(f"#c{anns.pk} ~ ol #c{reply.pk}")).to_contain_text(
        "how was the first month?"
    )

    # Report Ann's comment.
    page.locator(f"#c{anns.pk}").get_by_role(
        "link", name=f"Report the comment by {other_member.display_name}"
    ).click()
    page.get_by_label("Medical misinformation that could cause harm").check()
    page.get_by_label("Note for the moderators").fill("Dose advice for others.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Thank you, a moderator will look at it."
    )
    flag = Flag.objects.get(comment=anns)
    assert (flag.reporter, flag.reason) == (member, "misinformation")

    # Edit their own comment.
    page.locator(f"#c{pats.pk}").get_by_role("link", name="Edit your comment").click()
    page.get_by_label("Your comment").fill("Pat: week one, sleeping better.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your changes are saved")
    expect(page.locator(f"#c{pats.pk}")).to_contain_text("sleeping better")
    pats.refresh_from_db()
    assert pats.body == "Pat: week one, sleeping better."

    # And delete it.
    page.locator(f"#c{pats.pk}").get_by_role("link", name="Delete your comment").click()
    page.get_by_role("button", name="Delete my comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is deleted.")
    expect(page.locator("#comments")).not_to_contain_text("Pat: week one")
    pats.refresh_from_db()
    assert pats.status == CommentStatus.DELETED
    assert pat.problems == []
