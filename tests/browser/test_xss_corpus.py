"""The XSS corpus (tests/data/xss_payloads.txt) through the real comment
form, rendered in Chromium: in the member's own view while it waits, in the
moderation queue, and on the public page once approved.

The pages are opened with the Content-Security-Policy bypassed, so that this
test judges the sanitiser alone: a payload that slipped through would run
here even though the CSP would stop it on the real site. The init script
catches any call to alert/confirm/prompt/print and any write to
window.__xss; page.on("dialog") catches dialogs opened any other way.
"""

import pytest
from playwright.sync_api import expect

from comments import moderation
from comments.models import Comment, CommentStatus
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD
from tests.xss_corpus import URL_ATTRIBUTES, load_payloads, visible_text

pytestmark = pytest.mark.browser

PAYLOADS = load_payloads()
PER_COMMENT = 20
BATCHES = [
    PAYLOADS[start : start + PER_COMMENT]
    for start in range(0, len(PAYLOADS), PER_COMMENT)
]

WATCH_SCRIPTS = """
(() => {
  const report = (what) => window.__xssHit(String(what));
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => report(name + "(" + args.join(",") + ")");
  }
  Object.defineProperty(window, "__xss", {
    configurable: false,
    get() { return undefined; },
    set(value) { report("window.__xss = " + value); },
  });
})();
"""

# Everything a payload might leave in the DOM that could run a script: an
# event-handler attribute, a script-bearing URL, or any element that the
# sanitiser's allow-list does not hold inside a comment's text.
FIND_LEFTOVERS = """
([scope, urlAttributes]) => {
  const allowed = new Set(["P", "BR", "EM", "STRONG", "UL", "OL", "LI",
                           "BLOCKQUOTE", "A", "MARK"]);
  const noise = /[\\x00-\\x20\\x7f-\\x9f\\u2028\\u2029\\ufeff]/g;
  const found = [];
  for (const el of document.querySelectorAll(scope + " *")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(noise, "").toLowerCase();
      if (name.startsWith("on")) {
        found.push(`${el.tagName} ${name}="${attr.value}"`);
      } else if ((urlAttributes.includes(name) || name === "srcdoc")
                 && /^(javascript|data|vbscript):/.test(value)) {
        found.push(`${el.tagName} ${name}="${attr.value}"`);
      }
    }
  }
  for (const el of document.querySelectorAll(scope + " .comment-body *")) {
    if (!allowed.has(el.tagName)) found.push(`<${el.tagName}> in a comment`);
  }
  return found;
}
"""


def _marker(n: int) -> str:
    return f"Marker sentence {n}: my legs felt lighter this week."


class WatchedPage:
    def __init__(self, browser, base_url):
        self.context = browser.new_context(
            base_url=base_url, bypass_csp=True, reduced_motion="reduce"
        )
        self.ran: list[str] = []
        self.context.expose_function("__xssHit", lambda what: self.ran.append(what))
        self.context.add_init_script(WATCH_SCRIPTS)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.ran.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def settle(self):
        """Let load, error, focus and animation handlers fire, had any
        survived: they all fire by the load event or the next frames."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => "
            "requestAnimationFrame(() => setTimeout(r, 200))))"
        )

    def leftovers(self, scope: str) -> list[str]:
        return self.page.evaluate(FIND_LEFTOVERS, [scope, list(URL_ATTRIBUTES)])


def _comment_text_parts(page, comment: Comment) -> list[str]:
    return page.locator(f"#c{comment.pk} .comment-body p").evaluate_all(
        "ps => ps.map(p => p.textContent)"
    )


def test_xss_corpus_runs_no_script_and_keeps_the_text_when_rendered(
    browser, live_server, transactional_db, article, member, moderator
):
    assert len(PAYLOADS) >= 200
    base = live_server.url

    patient = WatchedPage(browser, base)
    page = patient.page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    # Posting lands back on the article, with the form, for the next batch.
    page.goto(article.get_absolute_url())
    for n, batch in enumerate(BATCHES):
        body = "\n\n".join([_marker(n), *batch])
        assert len(body) <= 5000, f"batch {n} is too long for one comment"
        page.get_by_label("Your comment").fill(body)
        with page.expect_navigation():
            page.get_by_role("button", name="Post comment").click()
        expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    patient.settle()
    assert patient.ran == []
    assert patient.leftovers("#comments") == []

    comments = list(Comment.objects.filter(author=member).order_by("pk"))
    assert [c.status for c in comments] == [CommentStatus.PENDING] * len(BATCHES)

    mod = WatchedPage(browser, base)
    mod.page.goto("/accounts/login/")
    mod.page.get_by_label("Email").fill(moderator.email)
    mod.page.get_by_label("Password").fill(PASSWORD)
    mod.page.get_by_role("button", name="Sign In").click()
    mod.page.wait_for_load_state()
    mod.page.goto("/moderation/")
    expect(mod.page.locator(".queue-item")).to_have_count(len(BATCHES))
    mod.settle()
    assert mod.ran == []
    assert mod.leftovers("[data-workbench]") == []
    mod.context.close()

    for comment in comments:
        moderation.approve(comment, by=moderator)

    reader = WatchedPage(browser, base)
    reader.page.goto(article.get_absolute_url())
    reader.settle()
    assert reader.ran == []
    assert reader.leftovers("#comments") == []
    for n, (comment, batch) in enumerate(zip(comments, BATCHES, strict=True)):
        expect(reader.page.get_by_text(_marker(n), exact=True)).to_be_visible()
        shown = [
            visible_text(part) for part in _comment_text_parts(reader.page, comment)
        ]
        assert shown == [_marker(n)] + [visible_text(p) for p in batch]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.page.screenshot(path=SCREENSHOTS / "xss-corpus-public.png")
    reader.context.close()
    patient.context.close()
