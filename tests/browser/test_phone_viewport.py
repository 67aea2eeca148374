"""Every page at a phone's size (390x844 CSS px): nothing scrolls sideways,
and every tap target is at least 24x24 CSS px (WCAG 2.2, 2.5.8 Target Size
(Minimum)), with the criterion's exceptions for links in running text and
for small targets that have room around them."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Runs in the page; returns what a phone user would trip over.
CHECK_PAGE = r"""
() => {
  const MIN = 24;
  const TARGETS = 'a[href], button, input:not([type="hidden"]), select, textarea, '
    + 'summary, [role="button"], [role="link"], [role="tab"]';
  const root = document.scrollingElement;
  const problems = [];
  if (root.scrollWidth > root.clientWidth) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
      .filter((el) => !el.parentElement
        || el.parentElement.getBoundingClientRect().right <= root.clientWidth + 0.5)
      .slice(0, 3)
      .map(describe);
    problems.push(`scrolls sideways: ${root.scrollWidth}px in ${root.clientWidth}px`
      + ` (${wide.join("; ")})`);
  }

  function describe(el) {
    const name = (el.getAttribute("aria-label") || el.textContent || el.name
      || el.id || "").replace(/\s+/g, " ").trim().slice(0, 40);
    const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
    return `<${el.tagName.toLowerCase()}${cls}> "${name}"`;
  }

  // Targets a person can see: hidden ones, visually-hidden ones (1px, clipped)
  // and ones moved off the page (a honeypot) are not for tapping.
  const targets = [...document.querySelectorAll(TARGETS)].filter((el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
      return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom + window.scrollY > 0;
  });
  const isTarget = new Set(targets);

  function blockOf(el) {
    let block = el.parentElement;
    while (block && /^(inline|contents)/.test(getComputedStyle(block).display)) {
      block = block.parentElement;
    }
    return block;
  }

  // The block whose line boxes an element's text is laid out in.
  function runOf(el) {
    return /^(inline|contents)/.test(getComputedStyle(el).display) ? blockOf(el) : el;
  }

  // The "Inline" exception: a link set in a sentence, whose size the line of
  // text around it decides. It must be display: inline, and its block must
  // hold words of its own, in the same run of text (not in a block nested
  // inside, such as a description under a menu entry) and outside every
  // target; separators such as "·" between links are not a sentence.
  function inSentence(el) {
    if (getComputedStyle(el).display !== "inline") {
      return false;
    }
    const block = blockOf(el);
    if (!block) {
      return false;
    }
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let words = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (runOf(parent) !== block || parent.closest(TARGETS)) {
        continue;
      }
      if (parent.getBoundingClientRect().width > 1 && parent.checkVisibility()) {
        words += node.nodeValue;
      }
    }
    return /\p{L}{2,}/u.test(words);
  }

  const boxes = targets.map((el) => ({ el, r: el.getBoundingClientRect() }));
  const small = boxes.filter(({ el, r }) =>
    (r.width < MIN - 0.01 || r.height < MIN - 0.01) && !inSentence(el));
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const related = (a, b) => a === b || a.contains(b) || b.contains(a);

  // The "Spacing" exception: a 24px circle centred on the small target meets
  // no other target, nor the circle of another small target.
  for (const { el, r } of small) {
    const [cx, cy] = centre(r);
    const crowdedBy = boxes.find(({ el: other, r: o }) => {
      if (related(el, other)) {
        return false;
      }
      const dx = Math.max(o.left - cx, 0, cx - o.right);
      const dy = Math.max(o.top - cy, 0, cy - o.bottom);
      return dx * dx + dy * dy < (MIN / 2) ** 2;
    }) || small.find(({ el: other, r: o }) => {
      if (related(el, other)) {
        return false;
      }
      const [ox, oy] = centre(o);
      return Math.hypot(ox - cx, oy - cy) < MIN;
    });
    if (crowdedBy) {
      problems.push(`tap target ${Math.round(r.width)}x${Math.round(r.height)}: `
        + `${describe(el)}, crowded by ${describe(crowdedBy.el)}`);
    }
  }
  return problems;
}
"""


def check(person, label) -> list[str]:
    """Problems on person's current page, each prefixed with the page, and a
    screenshot of it at this size."""
    person.screenshot(f"phone-{label}")
    path = person.page.url.split("/", 3)[3]
    return [f"/{path}: {p}" for p in person.page.evaluate(CHECK_PAGE)]


def check_pages(person, role, pages: dict[str, str]) -> list[str]:
    problems = []
    for label, url in pages.items():
        response = person.page.goto(url)
        assert response.ok, (url, response.status)
        problems += check(person, f"{role}-{label}")
    return problems


def check_open_menu(person, role) -> list[str]:
    """The navigation's links sit behind the menu button at this size."""
    person.page.goto("/")
    person.page.get_by_role("button", name="Show navigation").click()
    # "show" once Bootstrap's collapse has finished opening it.
    expect(person.page.locator("#nav-links")).to_have_class(re.compile(r"\bshow\b"))
    return check(person, f"{role}-menu")


@pytest.fixture
def forum(article, member, other_member, comment_factory, member_history):
    """A thread as deep as replies go, a long unbroken URL, and Pat's
    history of comments, reports and moderators' notes."""
    comment_factory.create_thread(article=article, size=12, depth=6)
    comment_factory(
        article=article,
        author=other_member,
        body="The trial: https://example.org/" + "very-long-path-segment-" * 8,
    )
    return member_history


def test_public_pages_fit_a_phone_with_tap_targets_of_24px(
    visitor, article, member, forum
):
    reader = visitor("reader", viewport=PHONE, reduced_motion="reduce")
    problems = check_pages(
        reader,
        "anonymous",
        {
            "home": "/",
            "article": article.get_absolute_url(),
            "login": "/accounts/login/",
            "signup": "/accounts/signup/",
            "password-reset": "/accounts/password/reset/",
            "member-profile": f"/members/{member.pk}/",
            "guidelines": "/guidelines/",
            "privacy": "/privacy/",
        },
    )
    problems += check_open_menu(reader, "anonymous")
    assert problems == []
    assert reader.problems == []


def test_member_pages_fit_a_phone_with_tap_targets_of_24px(
    visitor, article, member, forum
):
    pat = visitor("pat", viewport=PHONE, reduced_motion="reduce")
    pat.log_in(member.email, PASSWORD)
    anns = forum["anns"]
    problems = check_pages(
        pat,
        "member",
        {
            "article": article.get_absolute_url(),
            "article-reply-form": f"{article.get_absolute_url()}?reply={anns.pk}",
            "account": "/my/account/",
            "profile": "/my/profile/",
            "email": "/accounts/email/",
            "password": "/accounts/password/change/",
            "two-factor": "/accounts/2fa/",
            "my-comments": "/my/comments/",
            "notifications": "/my/notifications/",
            "data-export": "/my/data/",
            "account-delete": "/my/delete/",
            "comment-edit": f"/comments/{forum['edited'].pk}/edit/",
            "comment-delete": f"/comments/{forum['commented'].pk}/delete/",
            "comment-report": f"/comments/{forum['reply_to_pat'].pk}/report/",
        },
    )
    problems += check_open_menu(pat, "member")
    assert problems == []
    assert pat.problems == []


def test_moderator_pages_fit_a_phone_with_tap_targets_of_24px(
    visitor, article, member, moderator, forum
):
    mod = visitor("moderator", viewport=PHONE, reduced_motion="reduce")
    mod.log_in(moderator.email, PASSWORD)
    problems = check_pages(
        mod,
        "moderator",
        {
            "queue": "/moderation/",
            "queue-approved": "/moderation/?tab=approved",
            "reject": f"/moderation/{forum['waiting'].pk}/reject/",
            "audit-log": "/moderation/log/",
            "member-detail": f"/moderation/members/{member.pk}/",
        },
    )
    problems += check_open_menu(mod, "moderator")
    assert problems == []
    assert mod.problems == []


def test_phone_check_flags_sideways_scroll_and_crowded_small_targets_only(browser):
    """The check above, on a page made to fail it: it must see the overflow
    and the two small buttons side by side, and leave alone what the
    criterion exempts (small links in a sentence, a small button with room
    around it) and what nobody taps (a field moved off the page); the same
    small links with only a separator between them are crowded."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(
        """
        <p>See pages <a href="/1">1</a>, <a href="/2">2</a> and <a href="/3">3</a>.</p>
        <p style="margin: 2rem 0"><a href="/4">4</a> · <a href="/5">5</a></p>
        <div><button style="width: 16px; height: 16px; padding: 0">A</button><button
          style="width: 16px; height: 16px; padding: 0">B</button></div>
        <div style="margin: 2rem"><button style="width: 16px; height: 16px;
          padding: 0">C</button></div>
        <input name="website" style="position: absolute; left: -9999px">
        <div style="width: 500px">Too wide</div>
        """
    )
    problems = page.evaluate(CHECK_PAGE)
    page.screenshot(path=SCREENSHOTS / "phone-check-self-test.png")
    context.close()
    # Text's height depends on the fonts installed; the buttons' doesn't.
    assert [re.sub(r"\d+x\d+: <a>", "WxH: <a>", p) for p in problems] == [
        'scrolls sideways: 508px in 390px (<div> "Too wide")',
        'tap target WxH: <a> "4", crowded by <a> "5"',
        'tap target WxH: <a> "5", crowded by <a> "4"',
        'tap target 16x16: <button> "A", crowded by <button> "B"',
        'tap target 16x16: <button> "B", crowded by <button> "A"',
    ], problems
