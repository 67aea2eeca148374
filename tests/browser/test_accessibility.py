"""axe-core (node_modules/, from the npm registry: `make npm`) audits the
pages people use most, against WCAG 2.0, 2.1 and 2.2 levels A and AA, in the
default theme and in dark mode; and the things axe can't judge alone: reply
buttons that say whom they answer, errors tied to their fields, the skip
link, focus rings and reduced motion.

axe runs through `page.evaluate()`, which hands its source to the page over
the DevTools protocol: no <script> element is added, so our strict
Content-Security-Policy stays on, unchanged, for everything audited (a
context with bypass_csp=True would audit a page that is not the one members
get)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.scene import build_scene

pytestmark = pytest.mark.browser

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def scene(article, author, member, moderator, user_factory, comment_factory):
    return build_scene(
        article=article,
        author=author,
        member=member,
        moderator=moderator,
        user_factory=user_factory,
        comment_factory=comment_factory,
    )


def axe_violations(page) -> list[dict]:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make npm` (make test does).")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "),
                    html: n.html.slice(0, 200),
                    summary: n.failureSummary,
                })),
            }));
        }""",
        WCAG_TAGS,
    )


def readable(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"\n{where}: [{v['impact']}] {v['id']}: {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    at {node['target']}\n      {node['html']}")
                lines.append("      " + node["summary"].replace("\n", "\n      "))
            if len(v["nodes"]) > 5:
                lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


class Audit:
    """Collects axe's findings over many pages, so that one run reports
    every page's problems at once."""

    def __init__(self, visitor):
        self.visitor = visitor
        self.found: dict[str, list[dict]] = {}

    def page(self, label, url=None):
        page = self.visitor.page
        if url is not None:
            page.goto(url)
        page.wait_for_load_state()
        violations = axe_violations(page)
        if violations:
            self.found[f"{label} ({page.url})"] = violations

    def assert_clean(self):
        assert not self.found, "axe found WCAG A/AA violations:" + readable(self.found)
        # The pages with errors answer 400, which Chromium logs; anything
        # else (a CSP violation, a script error) is a problem.
        problems = [p for p in self.visitor.problems if "status of 400" not in p]
        assert problems == []


def test_public_pages_have_no_axe_violations_for_an_anonymous_reader(visitor, scene):
    audit = Audit(visitor("reader"))
    audit.page("home", "/")
    audit.page("article with a deep thread", scene.article.get_absolute_url())
    audit.page("sign-up", "/accounts/signup/")
    page = audit.visitor.page
    page.get_by_label("Email").fill("new@example.com")
    page.get_by_label("Display name").fill("New Nel")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("shorter")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    audit.page("sign-up with errors")
    audit.page("login", "/accounts/login/")
    page.get_by_label("Email").fill(scene.member.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    audit.page("login with errors")
    audit.assert_clean()


def test_a_later_page_of_a_long_thread_has_no_axe_violations(visitor, scene, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    audit = Audit(visitor("reader"))
    audit.page(
        "page 2 of a thread, newest first",
        f"{scene.article.get_absolute_url()}?page=2&sort=newest",
    )
    page = audit.visitor.page
    expect(
        page.get_by_role("navigation", name="Pages of comments, bottom")
    ).to_be_visible()
    page.get_by_role("link", name="Next page of comments").first.click()
    expect(page.get_by_text("Page 3 of")).to_have_count(2)
    audit.assert_clean()


def test_member_pages_have_no_axe_violations_for_a_member_with_a_pending_comment(
    visitor, scene
):
    pat = visitor("pat")
    pat.log_in(scene.member.email, PASSWORD)
    audit = Audit(pat)
    deepest = scene.chain[-1]
    audit.page(
        "article with own pending comment and a reply form open",
        f"{scene.article.get_absolute_url()}?reply={deepest.pk}#reply-{deepest.pk}",
    )
    pat.page.goto(scene.article.get_absolute_url() + "#comment-form")
    pat.page.locator("#comment-form").get_by_role("button", name="Post").click()
    expect(pat.page.get_by_role("alert").first).to_be_visible()
    audit.page("comment form with errors")
    for label, url in [
        ("account settings", "/my/account/"),
        ("profile", "/my/profile/"),
        ("notifications", "/my/notifications/"),
        ("data export", "/my/data/"),
        ("account deletion", "/my/delete/"),
        ("two-factor authentication", "/accounts/2fa/"),
        ("email addresses", "/accounts/email/"),
        ("password change", "/accounts/password/change/"),
        ("my comments", "/my/comments/"),
    ]:
        audit.page(label, url)
    audit.assert_clean()


def test_moderation_pages_have_no_axe_violations_with_pending_and_reported_items(
    visitor, scene
):
    mo = visitor("moderator")
    mo.log_in(scene.moderator.email, PASSWORD)
    audit = Audit(mo)
    audit.page("moderation queue, pending", "/moderation/?tab=pending")
    expect(mo.page.locator(".queue-item").first).to_be_visible()
    audit.page("moderation queue, reported", "/moderation/?tab=reported")
    expect(mo.page.locator(".queue-item").first).to_be_visible()
    audit.page("audit log", "/moderation/log/")
    audit.page("member detail", f"/moderation/members/{scene.member.pk}/")
    audit.assert_clean()


def test_pages_are_dark_and_have_no_axe_violations_when_the_reader_prefers_dark(
    visitor, scene
):
    page = visitor("reader", color_scheme="dark").page
    found = {}
    for label, url in [
        ("home", "/"),
        ("article with a deep thread", scene.article.get_absolute_url()),
        ("login", "/accounts/login/"),
    ]:
        page.goto(url)
        theme = page.evaluate("() => document.documentElement.dataset.bsTheme")
        assert theme == "dark", f"{label}: data-bs-theme is {theme!r}"
        background = page.evaluate(
            "() => getComputedStyle(document.body).backgroundColor"
        )
        channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
        assert max(channels) < 64, f"{label} is not dark: {background}"
        if violations := axe_violations(page):
            found[f"{label}, dark"] = violations
    assert not found, "axe found violations in dark mode:" + readable(found)


def test_page_follows_the_reader_switching_between_light_and_dark(visitor, article):
    page = visitor("reader", color_scheme="light").page
    page.goto(article.get_absolute_url())
    body = "() => getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(body) == "rgb(255, 255, 255)"
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert page.evaluate(body) == "rgb(33, 37, 41)"


def test_thread_is_a_nested_list_of_articles_with_author_and_time_in_headers(
    visitor, scene
):
    pat = visitor("pat")
    pat.log_in(scene.member.email, PASSWORD)
    page = pat.page
    page.goto(scene.article.get_absolute_url())
    thread = page.locator("#comments > ol.comment-list")
    items = thread.locator("li.comment-item")
    # The chain, the deleted comment's placeholder and its reply, the
    # reported comment and Pat's own pending one (three reports hid one more).
    assert items.count() == len(scene.chain) + 4
    # Every item of every list is one comment, as an <article> child.
    assert page.locator("ol.comment-list > :not(li)").count() == 0
    assert page.locator("li.comment-item > article").count() == items.count()
    deepest = page.locator(f"#{scene.chain[-1].anchor}")
    levels = deepest.locator("xpath=ancestor::ol[contains(@class,'comment-list')]")
    assert levels.count() == scene.chain[-1].depth
    for comment in [*scene.chain, scene.pending_own]:
        header = page.locator(f"#{comment.anchor} > header")
        expect(header.locator(".comment-author")).to_have_text(
            comment.author.display_name
        )
        expect(header.locator("time")).to_have_attribute(
            "datetime", re.compile(r"^\d{4}-\d\d-\d\dT")
        )
    # Articles are named by their author, so a screen reader's list of
    # landmarks and articles reads as a list of who said what.
    expect(
        page.get_by_role("article", name=scene.hannah.display_name).first
    ).to_be_visible()
    pat.screenshot("a11y-thread")


def test_reply_buttons_name_the_member_they_answer(visitor, scene):
    pat = visitor("pat")
    pat.log_in(scene.member.email, PASSWORD)
    page = pat.page
    page.goto(scene.article.get_absolute_url())
    hannahs = page.locator(f"#{scene.chain[0].anchor}")
    reply = hannahs.locator(":scope > footer").get_by_role(
        "link", name=re.compile("^Reply")
    )
    expect(reply).to_have_accessible_name("Reply to Hannah K.")
    # Sighted members see the short label; the name is in the hidden part.
    shown = reply.evaluate(
        "(el) => [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)"
        ".map((n) => n.textContent).join('').trim()"
    )
    assert shown == "Reply"
    hidden = reply.locator(".visually-hidden").bounding_box()
    assert hidden["width"] <= 1 and hidden["height"] <= 1
    authors = page.locator(f"#{scene.chain[1].anchor} > footer")
    expect(authors.get_by_role("link", name="Reply to Dr Writer")).to_have_count(1)
    reply.click()
    form = page.get_by_role("region", name="Reply to Hannah K.")
    expect(form.get_by_label("Your comment")).to_be_visible()


def test_comment_form_errors_are_announced_and_tied_to_the_field(visitor, scene):
    pat = visitor("pat")
    pat.log_in(scene.member.email, PASSWORD)
    page = pat.page
    page.goto(scene.article.get_absolute_url())
    page.locator("#comment-form").get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("alert")).to_contain_text("Your comment was not posted")
    field = page.get_by_label("Your comment")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("This field is required"))


def test_sign_up_errors_are_announced_and_tied_to_their_fields(visitor, db):
    page = visitor("newcomer").page
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("nel@example.com")
    page.get_by_label("Display name").fill("Nel")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("short")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    expect(page.locator("#id_password1")).to_have_accessible_description(
        re.compile("too short")
    )


def test_skip_link_comes_first_and_moves_focus_to_the_main_content(visitor, article):
    page = visitor("keyboard").page
    page.goto(article.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on from the main content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    )


def test_keyboard_focus_shows_a_visible_ring_on_links_buttons_and_fields(
    visitor, scene
):
    pat = visitor("pat")
    pat.log_in(scene.member.email, PASSWORD)
    page = pat.page
    page.goto(scene.article.get_absolute_url())
    ring = """(el) => {
        const s = getComputedStyle(el);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                shadow: s.boxShadow};
    }"""
    for target in [
        page.get_by_role("link", name="Reply to Hannah K.").first,
        page.get_by_role("button", name="Post comment"),
        page.get_by_label("Your comment"),
    ]:
        target.focus()
        # Focus from the keyboard: press and release Shift keeps it there
        # and makes the browser treat it as keyboard focus (:focus-visible).
        page.keyboard.press("Shift")
        style = target.evaluate(ring)
        visible = style["outline"] != "none" and style["width"] >= 2
        assert visible or style["shadow"] != "none", f"no focus ring: {style}"


@pytest.mark.parametrize(
    ("preference", "still"), [("reduce", True), ("no-preference", False)]
)
def test_motion_is_off_only_when_the_reader_prefers_reduced_motion(
    visitor, article, preference, still
):
    page = visitor("reader", reduced_motion=preference).page
    page.goto("/accounts/login/")
    motion = page.evaluate(
        """() => {
            const field = document.querySelector('.form-control, .btn');
            return {
                transition: getComputedStyle(field).transitionDuration,
                scroll: getComputedStyle(document.documentElement).scrollBehavior,
            };
        }"""
    )
    durations = [float(d.rstrip("s")) for d in motion["transition"].split(",")]
    assert (max(durations) == 0) is still, motion
    assert (motion["scroll"] == "auto") is still, motion
