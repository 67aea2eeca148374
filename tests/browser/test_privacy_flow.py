"""A member renames themselves, finds their public page, downloads their
data and deletes their account, keeping their comments, in a real browser."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_member_renames_exports_and_deletes_their_account_in_the_browser(
    visitor, article, member, comment_factory
):
    comment_factory(article=article, author=member, body="Six months on LDN.")
    pat = visitor("pat")
    pat.log_in(member.email, PASSWORD)

    pat.page.get_by_role("link", name="Account").click()
    pat.page.get_by_role("link", name="Profile", exact=True).click()
    pat.page.get_by_label("Display name").fill("Pat from Leeds")
    pat.page.get_by_label("Bio").fill("Diagnosed 2019.")
    pat.page.get_by_role("button", name="Save profile").click()
    expect(pat.page.get_by_role("status")).to_contain_text("Your profile is saved.")
    pat.page.get_by_role("link", name="See your public profile").click()
    expect(pat.page.get_by_role("heading", level=1)).to_have_text("Pat from Leeds")
    expect(pat.page.locator(".member-comments")).to_contain_text("Six months on LDN.")
    pat.screenshot("privacy-01-public-profile")

    pat.page.goto("/my/data/")
    with pat.page.expect_download() as download:
        pat.page.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text())
    assert data["account"]["display_name"] == "Pat from Leeds"
    assert data["comments"][0]["body"] == "Six months on LDN."

    pat.page.goto("/my/account/")
    pat.page.get_by_role("link", name="Delete my account").click()
    pat.page.get_by_label("Keep my published comments").check()
    pat.page.get_by_label("Your password").fill(PASSWORD)
    pat.screenshot("privacy-02-delete-account")
    pat.page.get_by_role("button", name="Delete my account").click()
    expect(pat.page.get_by_role("status")).to_contain_text("Your account is deleted.")
    expect(pat.page.get_by_role("link", name="Log in")).to_be_visible()
    assert not get_user_model().objects.filter(pk=member.pk).exists()

    pat.page.goto(article.get_absolute_url())
    story = pat.page.locator(".comment", has_text="Six months on LDN.")
    expect(story.locator(".comment-author")).to_have_text("Former member")
    assert pat.problems == []
