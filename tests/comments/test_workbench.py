"""The moderators' workbench at /moderation/: tabs, filters, what each item
shows, the single and bulk actions, safe redirects, and who may use it."""

import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import moderation, selectors, services
from comments.models import (
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    MemberNote,
    ModerationEvent,
    Notification,
    NotificationKind,
    NotificationStatus,
    RejectionReason,
    WatchWord,
)
from comments.views import workbench

pytestmark = pytest.mark.django_db

QUEUE = reverse("comments:moderation-queue")
BULK = reverse("comments:moderation-bulk")
S = CommentStatus


def action_url(name, comment):
    return reverse(f"comments:moderation-{name}", kwargs={"pk": comment.pk})


def tab_counts(html: str) -> dict[str, int]:
    found = re.findall(
        r'>([A-Za-z ]+) <span class="badge [^"]*">([\d,]+)</span></a>', html
    )
    return {label: int(count.replace(",", "")) for label, count in found}


def listed(html: str) -> set[int]:
    return {
        int(pk)
        for pk in re.findall(
            r'<article class="card mb-4 queue-item" id="queue-(\d+)"', html
        )
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def pending(article, member, comment_factory):
    return comment_factory(
        article=article,
        author=member,
        body="Started LDN last month, vivid dreams so far.",
        status=S.PENDING,
    )


def report(comment, reporter, reason=FlagReason.SPAM, note=""):
    return Flag.objects.create(
        comment=comment, reporter=reporter, reason=reason, note=note
    )


@pytest.fixture
def board(article, member, other_member, user_factory, comment_factory, moderator):
    """One comment for each tab, plus one that no tab shows any more."""
    c = {}
    c["pending"] = comment_factory(article=article, author=member, status=S.PENDING)
    c["reported"] = comment_factory(article=article, author=other_member)
    report(c["reported"], user_factory())
    c["hidden"] = comment_factory(article=article, author=other_member)
    moderation.hide_for_reports(c["hidden"])
    report(c["hidden"], user_factory())
    c["rejected"] = comment_factory(article=article, author=member, status=S.REJECTED)
    c["spam"] = comment_factory(article=article, author=member, status=S.SPAM)
    c["removed"] = comment_factory(article=article, author=member, status=S.REMOVED)
    c["old"] = comment_factory(article=article, author=member)
    long_ago = timezone.now() - timedelta(days=30)
    Comment.objects.filter(pk=c["old"].pk).update(
        created_at=long_ago, moderated_at=long_ago
    )
    return c


# Who may use it ------------------------------------------------------------


def workbench_requests(comment):
    return [
        ("get", QUEUE, {}),
        ("get", QUEUE + "?tab=spam", {}),
        ("post", action_url("approve", comment), {}),
        ("get", action_url("reject", comment), {}),
        ("post", action_url("reject", comment), {"reason": "off_topic"}),
        ("post", action_url("spam", comment), {}),
        ("post", action_url("remove", comment), {}),
        ("post", action_url("restore", comment), {}),
        ("post", BULK, {"action": "approve", "ids": [comment.pk]}),
        ("post", BULK, {"action": "spam", "all_matching": "on"}),
    ]


def test_every_workbench_url_sends_anonymous_users_to_log_in(client, pending):
    for method, url, data in workbench_requests(pending):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.events.count() == 1


@pytest.mark.parametrize("who", ["member", "author", "unverified"])
def test_every_workbench_url_is_forbidden_to_non_moderators(
    client, request, pending, who
):
    client.force_login(request.getfixturevalue(who))
    for method, url, data in workbench_requests(pending):
        assert getattr(client, method)(url, data).status_code == 403, url
    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.events.count() == 1


@pytest.mark.parametrize("name", ["approve", "spam", "remove", "restore", "bulk"])
def test_actions_refuse_get_when_asked_by_a_moderator(mod_client, pending, name):
    url = BULK if name == "bulk" else action_url(name, pending)
    assert mod_client.get(url).status_code == 405


# Tabs ----------------------------------------------------------------------


def test_tab_counts_come_from_one_query(board, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.queue_tab_counts()
    assert counts == {
        "pending": 2,  # pending, hidden
        "reported": 2,  # reported, hidden
        "rejected": 1,
        "spam": 1,
        "removed": 1,
        # reported was approved just now; old 30 days ago
        "approved": 1,
    }


def test_tabs_show_their_counts_on_the_page(mod_client, board):
    expected = {
        "Pending": 2,
        "Reported": 2,
        "Rejected": 1,
        "Spam": 1,
        "Removed": 1,
        "Recently approved": 1,
    }
    html = mod_client.get(QUEUE).content.decode()
    assert tab_counts(html) == expected
    # A filtered list counts its own matches in the same query.
    pending = board["pending"]
    filtered = mod_client.get(QUEUE, {"member": f"#{pending.author_id}"})
    html = filtered.content.decode()
    assert tab_counts(html) == expected
    assert "1 comment matches these filters." in html
    nothing = mod_client.get(QUEUE, {"q": "no such words anywhere"}).content.decode()
    assert tab_counts(nothing) == expected
    assert "0 comments match these filters." in nothing


def test_recently_approved_counts_the_week_before_each_moment(board):
    """The tab counts are compiled once (ldnforum/statements.py): each
    request's moment still decides what the last week is."""
    later = timezone.now() + timedelta(days=1)
    week_on = later + selectors.RECENTLY_APPROVED
    counts = [
        selectors.queue_tab_counts(now=moment)[selectors.QueueTab.APPROVED]
        for moment in (later, week_on, later)
    ]
    assert counts == [1, 0, 1]


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("pending", {"pending", "hidden"}),
        ("reported", {"reported", "hidden"}),
        ("rejected", {"rejected"}),
        ("spam", {"spam"}),
        ("removed", {"removed"}),
        ("approved", {"reported"}),
    ],
)
def test_each_tab_lists_only_its_comments(mod_client, board, tab, expected):
    response = mod_client.get(QUEUE, {"tab": tab})
    assert response.status_code == 200
    assert listed(response.content.decode()) == {board[k].pk for k in expected}


def test_a_decision_resolves_reports_and_leaves_the_reported_tab(mod_client, board):
    mod_client.post(action_url("approve", board["hidden"]))
    assert not Flag.objects.filter(
        comment=board["hidden"], resolved_at__isnull=True
    ).exists()
    html = mod_client.get(QUEUE, {"tab": "reported"}).content.decode()
    assert listed(html) == {board["reported"].pk}


def test_recently_approved_shows_newest_decisions_first(
    mod_client, article, user_factory, comment_factory
):
    first = comment_factory(article=article, author=user_factory())
    second = comment_factory(article=article, author=user_factory())
    Comment.objects.filter(pk=first.pk).update(
        moderated_at=timezone.now() - timedelta(hours=2)
    )
    html = mod_client.get(QUEUE, {"tab": "approved"}).content.decode()
    assert html.index(f'id="queue-{second.pk}"') < html.index(f'id="queue-{first.pk}"')


# Filters -------------------------------------------------------------------


def test_filter_by_article(
    mod_client, article, article_factory, member, comment_factory
):
    other_article = article_factory()
    here = comment_factory(article=article, author=member, status=S.PENDING)
    comment_factory(article=other_article, author=member, status=S.PENDING)
    html = mod_client.get(QUEUE, {"article": article.pk}).content.decode()
    assert listed(html) == {here.pk}
    assert "1 comment matches these filters" in html
    assert f'<option value="{article.pk}" selected>LDN in MS</option>' in html


@pytest.mark.parametrize("query", ["patient", "{pk}", "#{pk}"])
def test_filter_by_member_name_or_number(
    mod_client, article, member, other_member, comment_factory, query
):
    mine = comment_factory(article=article, author=member, status=S.PENDING)
    comment_factory(article=article, author=other_member, status=S.PENDING)
    html = mod_client.get(
        QUEUE, {"member": query.format(pk=member.pk)}
    ).content.decode()
    assert listed(html) == {mine.pk}


def test_filter_by_the_rule_that_held_it(
    mod_client, article, user_factory, comment_factory
):
    WatchWord.objects.create(phrase="cure", kind="suspect")
    links = comment_factory(
        article=article,
        author=user_factory(),
        body="See https://one.example.com https://two.example.com https://three.example.com",
        status=S.PENDING,
    )
    suspect = comment_factory(
        article=article,
        author=user_factory(),
        body="LDN is a cure for everything.",
        status=S.PENDING,
    )
    plain = comment_factory(article=article, author=user_factory(), status=S.PENDING)
    for rule, expected in [
        ("links", links),
        ("suspect_word", suspect),
        ("new_member", plain),
    ]:
        html = mod_client.get(QUEUE, {"rule": rule}).content.decode()
        assert listed(html) == {expected.pk}, rule
    assert (
        listed(mod_client.get(QUEUE, {"rule": "duplicate"}).content.decode()) == set()
    )


def test_filter_by_the_rule_works_on_the_reported_tab(
    mod_client, article, member, user_factory, comment_factory, settings
):
    settings.REPORTS_TO_HIDE = 1
    comment = comment_factory(article=article, author=member)
    services.comment_report(
        comment=comment, reporter=user_factory(), reason=FlagReason.SPAM
    )
    html = mod_client.get(QUEUE, {"tab": "reported", "rule": "reports"}).content
    assert listed(html.decode()) == {comment.pk}


def test_item_says_why_it_is_back_rather_than_why_it_was_first_held(
    mod_client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member)  # held, approved
    moderation.hide_for_reports(comment)
    html = mod_client.get(QUEUE).content.decode()
    assert "hidden after 3 reports" in html
    assert "new member: held" not in html
    assert listed(html) == {comment.pk}
    assert listed(mod_client.get(QUEUE, {"rule": "new_member"}).content.decode()) == (
        set()
    )


def test_tabs_without_bulk_actions_offer_no_checkboxes(mod_client, board):
    html = mod_client.get(QUEUE, {"tab": "spam"}).content.decode()
    assert listed(html) == {board["spam"].pk}
    assert 'id="bulk-form"' not in html
    assert 'name="ids"' not in html


def test_an_empty_queue_says_so(mod_client, board):
    Comment.objects.filter(status=S.PENDING).delete()
    html = mod_client.get(QUEUE).content.decode()
    assert "The queue is empty. Thank you!" in html
    assert 'id="bulk-form"' not in html


def test_filter_by_age_and_text(mod_client, article, member, comment_factory):
    old = comment_factory(
        article=article, author=member, body="Old story about sleep", status=S.PENDING
    )
    new = comment_factory(
        article=article, author=member, body="New story about SLEEP", status=S.PENDING
    )
    comment_factory(article=article, author=member, body="Other", status=S.PENDING)
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=30)
    )
    assert listed(mod_client.get(QUEUE, {"age": "24h"}).content.decode()) == {old.pk}
    assert listed(mod_client.get(QUEUE, {"age": "7d"}).content.decode()) == set()
    assert listed(mod_client.get(QUEUE, {"q": "sleep"}).content.decode()) == {
        old.pk,
        new.pk,
    }


def test_sort_newest_first(mod_client, article, member, comment_factory):
    first = comment_factory(article=article, author=member, status=S.PENDING)
    second = comment_factory(article=article, author=member, status=S.PENDING)
    html = mod_client.get(QUEUE).content.decode()
    assert html.index(f'id="queue-{first.pk}"') < html.index(f'id="queue-{second.pk}"')
    html = mod_client.get(QUEUE, {"sort": "newest"}).content.decode()
    assert html.index(f'id="queue-{second.pk}"') < html.index(f'id="queue-{first.pk}"')


def test_a_name_or_text_filter_matches_percent_and_underscore_as_written(
    mod_client, article, user_factory, comment_factory
):
    """The member and text filters reach the database as parameters of a
    statement compiled once: their LIKE wildcards are still plain text."""
    sale = user_factory(display_name="50%_off")
    plain = user_factory(display_name="5000 off")
    wild = comment_factory(
        article=article, author=sale, status=S.PENDING, body="It is 100% better"
    )
    tame = comment_factory(
        article=article, author=plain, status=S.PENDING, body="It is 1000 better"
    )
    assert listed(mod_client.get(QUEUE, {"member": "50%_"}).content.decode()) == {
        wild.pk
    }
    assert listed(mod_client.get(QUEUE, {"member": "0 o"}).content.decode()) == {
        tame.pk
    }
    assert listed(mod_client.get(QUEUE, {"q": "100%"}).content.decode()) == {wild.pk}
    assert listed(mod_client.get(QUEUE, {"q": "_"}).content.decode()) == set()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"sort": "newest"},
        {"tab": "reported"},
        {"tab": "approved"},
        {"tab": "approved", "sort": "oldest"},
        {"tab": "rejected"},
        {"tab": "spam"},
        {"tab": "removed", "sort": "oldest"},
        {"article": "{article}", "age": "24h"},
        {"member": "{member}"},
        {"member": "#{member}", "tab": "rejected"},
        {"member": "Patient"},
        {"rule": "new_member"},
        {"rule": "suspect_word", "q": "cure"},
        {"age": "7d", "sort": "newest"},
        {"rule": "new_member", "q": "cure? 3"},
    ],
)
def test_a_queue_page_lists_what_the_queryset_s_slice_would(
    board, article, member, comment_factory, data
):
    """queue_page() (the statement compiled once per shape of filter) and
    moderation_queue()'s slice give the same comments, page by page."""
    for n in range(7):
        held = comment_factory(
            article=article, author=member, status=S.PENDING, body=f"A cure? {n}"
        )
        held_by = {"created_at": timezone.now() - timedelta(days=2 * n)}
        if n % 2:
            held_by["status_rule"] = moderation.RULE_NEW_MEMBER.format(n=3)
        else:
            held_by["rule_reasons"] = [{"rule": "suspect_word", "label": "cure"}]
        Comment.objects.filter(pk=held.pk).update(**held_by)
    data = {k: v.format(article=article.pk, member=member.pk) for k, v in data.items()}
    form = workbench.QueueFilterForm(data)
    assert form.is_valid(), form.errors
    filters = form.filters()
    now = timezone.now()
    whole = list(selectors.moderation_queue(filters, now=now))
    assert whole
    pages = [
        selectors.queue_page(filters, now=now, offset=offset, limit=3)
        for offset in range(0, len(whole) + 3, 3)
    ]
    assert [c.pk for page in pages for c in page] == [c.pk for c in whole]
    assert pages[-1] == []
    shown = [
        (c.article.title, c.author.display_name, c.reply_to_fields, c.open_report_count)
        for page in pages
        for c in page
    ]
    assert shown == [
        (c.article.title, c.author.display_name, c.reply_to_fields, c.open_report_count)
        for c in whole
    ]


def test_filters_are_kept_by_tabs_and_pages(
    mod_client, article, member, comment_factory
):
    for _ in range(51):
        comment_factory(article=article, author=member, status=S.PENDING)
    html = mod_client.get(QUEUE, {"member": "patient", "sort": "newest"}).content
    html = html.decode()
    assert "?member=patient&amp;sort=newest&amp;page=2" in html
    assert "?member=patient&amp;sort=newest&amp;tab=spam" in html
    page2 = mod_client.get(QUEUE, {"member": "patient", "page": 2}).content.decode()
    assert "Page 2 of 2" in page2
    assert len(listed(page2)) == 1


def test_a_filter_with_very_many_matches_counts_them_only_so_far(
    mod_client, article, member, comment_factory, settings
):
    """Past the count limit the page says "more than", and every page
    still comes full, the last one too, however far the moderator goes."""
    settings.MODERATION_QUEUE_PAGE_SIZE = 2
    settings.MODERATION_QUEUE_COUNT_LIMIT = 3
    made = [
        comment_factory(article=article, author=member, status=S.PENDING)
        for _ in range(9)
    ]
    filtered = {"member": "patient"}
    html = unescape(mod_client.get(QUEUE, filtered).content.decode())
    assert "More than 3 comments match these filters." in html
    assert "Page 1 of 2 or more" in html
    assert "Select all more than 3 matching this filter" in html
    assert listed(html) == {c.pk for c in made[:2]}
    # Further than the limit: counted to that page, which is full.
    page3 = unescape(mod_client.get(QUEUE, {**filtered, "page": 3}).content.decode())
    assert "More than 6 comments match" in page3
    assert "Page 3 of 4 or more" in page3
    assert listed(page3) == {c.pk for c in made[4:6]}
    # Past the end, the count is exact again, and the last page is the end.
    page9 = unescape(mod_client.get(QUEUE, {**filtered, "page": 9}).content.decode())
    assert "9 comments match these filters." in page9
    assert "Page 5 of 5" in page9
    assert listed(page9) == {made[8].pk}
    # "last" is no number, and nothing comes before page 1: the last page
    # isn't known, so both give the first. " 3" is page 3, as Django reads it.
    for page in ("last", "0", "-2"):
        shown = mod_client.get(QUEUE, {**filtered, "page": page}).content.decode()
        assert listed(shown) == {c.pk for c in made[:2]}
    spaced = mod_client.get(QUEUE, {**filtered, "page": " 3"}).content.decode()
    assert listed(spaced) == {c.pk for c in made[4:6]}
    # The unfiltered tab's figure comes from the counters, exact.
    assert "9 comments." in unescape(mod_client.get(QUEUE).content.decode())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tab": "nope"}, "Tab: Select a valid choice."),
        ({"article": "999999"}, "Article: Select a valid choice."),
        ({"article": "abc"}, "Article: Select a valid choice."),
        ({"rule": "nope"}, "Held by: Select a valid choice."),
        ({"age": "3d"}, "Age: Select a valid choice."),
        ({"sort": "sideways"}, "Order: Select a valid choice."),
        ({"member": "x" * 101}, "Member: Ensure this value has at most 100"),
        ({"q": "x" * 201}, "Text contains: Ensure this value has at most 200"),
    ],
)
def test_bad_filter_values_are_a_400_with_a_message(
    mod_client, pending, params, message
):
    response = mod_client.get(QUEUE, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters can't be used" in html
    assert message in html
    assert listed(html) == set()
    # The tabs lead back to a page that works.
    assert 'href="/moderation/?tab=spam"' in html


# What each item shows ------------------------------------------------------


def test_item_shows_why_it_was_held_with_the_match_highlighted(
    mod_client, article, member, comment_factory
):
    WatchWord.objects.create(phrase="cure", kind="suspect")
    held = comment_factory(
        article=article,
        author=member,
        body="This <b>cure</b> works: https://one.example.com https://two.example.com https://three.example.com",
        status=S.PENDING,
    )
    plain = comment_factory(article=article, author=member, status=S.PENDING)
    html = mod_client.get(QUEUE).content.decode()
    item = html[
        html.index(f'id="queue-{held.pk}"') : html.index(f'id="queue-{plain.pk}"')
    ]
    assert "held: 3 links" in item
    # Escaped, whichever way the quote is written.
    assert "held: suspect word 'cure'" in unescape(item)
    assert "held: suspect word 'cure'" not in item
    assert "&lt;b&gt;<mark>cure</mark>&lt;/b&gt;" in item
    assert "<b>" not in item
    rest = html[html.index(f'id="queue-{plain.pk}"') :]
    assert "new member: held until 3 comments are approved" in rest


def test_item_shows_open_reports_with_reasons_and_notes(
    mod_client, article, member, user_factory, comment_factory
):
    comment = comment_factory(article=article, author=member)
    report(comment, user_factory(), FlagReason.MISINFORMATION, "says stop DMT")
    report(comment, user_factory(), FlagReason.SPAM)
    old = report(comment, user_factory(), FlagReason.HARASSMENT, "resolved one")
    Flag.objects.filter(pk=old.pk).update(resolved_at=timezone.now())
    html = mod_client.get(QUEUE, {"tab": "reported"}).content.decode()
    assert "2 open reports" in html
    assert "Medical misinformation that could cause harm: “says stop DMT”" in html
    assert "Spam or advertising" in html
    assert "resolved one" not in html


def test_item_shows_the_members_history(
    mod_client, article, member, other_member, moderator, comment_factory
):
    parent = comment_factory(article=article, author=other_member, body="Parent text")
    decided = [comment_factory(article=article, author=member) for _ in range(6)]
    comment_factory(article=article, author=member, status=S.REJECTED)
    waiting = comment_factory(
        article=article, author=member, parent=parent, status=S.PENDING
    )
    MemberNote.objects.create(member=member, author=moderator, text="First note")
    MemberNote.objects.create(member=member, author=moderator, text="Second note")
    html = mod_client.get(QUEUE).content.decode()
    assert listed(html) == {waiting.pk}
    assert "Joined" in html
    assert member.date_joined.strftime("%-d %B %Y") in html
    assert "6 approved, 1 rejected, 0 spam" in html
    assert "In reply to Another Ann" in html
    assert "Parent text" in html
    # The last five decisions on the member's comments, newest first.
    decisions = html[html.index("Last decisions") : html.index("Moderator notes")]
    assert decisions.count("<li>") == 5
    assert f"#{decided[0].pk} approved by Mod Mo" not in decisions
    assert "Second note" in html
    assert html.index("Second note") < html.index("First note")
    member_url = reverse("comments:member-detail", kwargs={"pk": member.pk})
    assert f'href="{member_url}"' in html


def test_item_of_a_former_member_still_shows(mod_client, pending):
    pending.author.delete()
    html = mod_client.get(QUEUE).content.decode()
    assert listed(html) == {pending.pk}
    assert "Former member" in html


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(
    "query",
    [
        {"tab": "pending"},
        {"tab": "reported"},
        {"tab": "pending", "rule": "reports", "age": "1h", "sort": "newest"},
        {"tab": "pending", "member": "Member", "q": "weeks"},
    ],
    ids=["pending", "reported", "filtered", "searched"],
)
def test_workbench_queries_do_not_grow_with_the_page(
    client,
    moderator,
    article_factory,
    user_factory,
    comment_factory,
    django_assert_max_num_queries,
    size,
    query,
):
    """Every item has its own member, with decisions, notes and reports,
    and its own article: nothing may cost a query per item."""
    reporter = user_factory()
    for _ in range(size):
        member = user_factory()
        article = article_factory()
        comment_factory(article=article, author=member, status=S.REJECTED)
        comment = comment_factory(article=article, author=member)
        reply = comment_factory(article=article, author=member, parent=comment)
        MemberNote.objects.create(member=member, author=moderator, text="Watch.")
        report(reply, reporter)
        if query["tab"] == "pending":
            moderation.hide_for_reports(reply)
    Comment.objects.update(created_at=timezone.now() - timedelta(hours=2))
    client.force_login(moderator)
    # session, user, moderator check, article choices, tab counts (with the
    # filtered count), page, members' records, decisions, notes, open
    # reports: the target is 10 whatever the queue holds.
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE, query)
    assert response.status_code == 200
    assert len(listed(response.content.decode())) == min(size, 50)


# Actions on one comment ----------------------------------------------------


def buttons(html: str, comment) -> set[str]:
    item = html[html.index(f'id="queue-{comment.pk}"') :]
    item = item[: item.index("</article>")]
    return set(re.findall(rf">(\w+) #{comment.pk}</button>", item))


@pytest.mark.parametrize(
    ("tab", "key", "expected"),
    [
        ("pending", "pending", {"Approve", "Reject", "Spam"}),
        ("reported", "reported", {"Remove", "Spam"}),
        ("rejected", "rejected", {"Restore", "Spam"}),
        ("spam", "spam", {"Restore"}),
        ("removed", "removed", {"Restore"}),
    ],
)
def test_only_the_actions_valid_for_the_status_are_offered(
    mod_client, board, tab, key, expected
):
    html = mod_client.get(QUEUE, {"tab": tab}).content.decode()
    assert buttons(html, board[key]) == expected


def test_reject_reason_starts_empty_and_is_required(mod_client, pending):
    html = mod_client.get(QUEUE).content.decode()
    select = html[html.index(f'id="reason-{pending.pk}"') :]
    assert select.startswith(f'id="reason-{pending.pk}" required')
    assert '<option value="">Choose a reason…</option>' in select
    assert 'value="member_banned"' not in select


def test_mark_spam(mod_client, pending, article):
    response = mod_client.post(action_url("spam", pending), follow=True)
    assert f"Marked comment #{pending.pk} as spam." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == S.SPAM
    assert pending.events.last().actor.display_name == "Mod Mo"


def test_remove_an_approved_comment_with_a_reason(
    client, mod_client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member)
    response = mod_client.post(
        action_url("remove", comment),
        {"reason": RejectionReason.HARMFUL_ADVICE, "note": "dose advice"},
        follow=True,
    )
    assert f"Removed comment #{comment.pk}" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == S.REMOVED
    assert comment.moderation_reason == RejectionReason.HARMFUL_ADVICE
    mod_client.logout()
    assert comment.body not in client.get(article.get_absolute_url()).content.decode()


def test_remove_with_an_unknown_reason_is_400_and_changes_nothing(
    mod_client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member)
    response = mod_client.post(action_url("remove", comment), {"reason": "because"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == S.APPROVED


@pytest.mark.parametrize("status", [S.REJECTED, S.SPAM, S.REMOVED])
def test_restore_makes_it_public_again(
    client, mod_client, article, member, comment_factory, status
):
    comment = comment_factory(article=article, author=member, status=status)
    response = mod_client.post(action_url("restore", comment), follow=True)
    assert "It is now public" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == S.APPROVED
    mod_client.logout()
    assert comment.body in client.get(article.get_absolute_url()).content.decode()


def test_an_action_from_a_stale_page_is_refused_politely(
    mod_client, moderator, user_factory, pending
):
    """Spam is allowed from approved, but this moderator saw it pending:
    someone else's approval in between wins."""
    moderation.approve(pending, by=user_factory(moderator=True))
    response = mod_client.post(
        action_url("spam", pending), {"seen": S.PENDING}, follow=True
    )
    assert "already decided by someone else" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == S.APPROVED
    assert pending.events.count() == 2


def test_an_action_the_status_does_not_allow_changes_nothing(mod_client, pending):
    response = mod_client.post(action_url("restore", pending), follow=True)
    assert "already decided by someone else" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == S.PENDING


def test_an_action_returns_to_the_same_tab_filter_and_page(mod_client, pending):
    back = "/moderation/?tab=pending&member=patient&page=2#queue-99"
    response = mod_client.post(action_url("approve", pending), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/moderation/",
        "//evil.example/moderation/",
        "/\\evil.example/moderation/",
        "/moderation/\\\\evil.example",
        "/accounts/logout/",
        "javascript:alert(1)",
        "/moderation/\r\nSet-Cookie: x=1",
        "moderation/",
    ],
)
def test_next_never_leaves_the_workbench(mod_client, pending, target):
    response = mod_client.post(action_url("spam", pending), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == QUEUE


# Bulk ----------------------------------------------------------------------


@pytest.fixture
def waiting(article, user_factory, comment_factory):
    return [
        comment_factory(article=article, author=user_factory(), status=S.PENDING)
        for _ in range(4)
    ]


def test_bulk_approve_the_selected(mod_client, waiting):
    chosen = waiting[:3]
    response = mod_client.post(
        BULK,
        {"action": "approve", "ids": [c.pk for c in chosen], "tab": "pending"},
        follow=True,
    )
    assert "Approved 3." in messages_of(response)
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in waiting] == [S.APPROVED] * 3 + [S.PENDING]


@pytest.mark.parametrize("size", [2, 50])
@pytest.mark.parametrize("action", ["approve", "reject", "spam"])
def test_bulk_costs_the_same_queries_for_2_or_50(
    client,
    moderator,
    article_factory,
    user_factory,
    comment_factory,
    django_assert_max_num_queries,
    size,
    action,
):
    waiting = [
        comment_factory(
            article=article_factory(), author=user_factory(), status=S.PENDING
        )
        for _ in range(size)
    ]
    client.force_login(moderator)
    data = {"action": action, "ids": [c.pk for c in waiting], "tab": "pending"}
    if action == "reject":
        data["reason"] = RejectionReason.OFF_TOPIC
    # session, user, moderator check, BEGIN, locking read, update, events,
    # status counters, article counters, COMMIT (and one more to close
    # reports, when some of them were reported)
    with django_assert_max_num_queries(10):
        response = client.post(BULK, data)
    assert response.status_code == 302
    decided = {"approve": S.APPROVED, "reject": S.REJECTED, "spam": S.SPAM}[action]
    assert set(Comment.objects.values_list("status", flat=True)) == {decided}
    # Still one event per comment, each naming the moderator.
    events = ModerationEvent.objects.filter(actor=moderator, to_status=decided)
    assert sorted(events.values_list("comment_id", flat=True)) == sorted(
        c.pk for c in waiting
    )
    counts = dict(
        Article.objects.filter(pk__in=[c.article_id for c in waiting]).values_list(
            "pk", "approved_comment_count"
        )
    )
    assert set(counts.values()) == {1 if action == "approve" else 0}


def test_bulk_skips_and_reports_what_someone_else_decided(
    mod_client, user_factory, waiting
):
    other = user_factory(moderator=True)
    moderation.approve(waiting[0], by=other)
    moderation.reject(waiting[1], by=other, reason=RejectionReason.OFF_TOPIC)
    response = mod_client.post(
        BULK, {"action": "spam", "ids": [c.pk for c in waiting]}, follow=True
    )
    assert messages_of(response) == [
        "Marked 2 as spam, skipped 2 already decided by someone else."
    ]
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in waiting] == [S.APPROVED, S.REJECTED, S.SPAM, S.SPAM]
    assert waiting[0].events.count() == 2  # created, approved: not spammed


def test_bulk_reject_with_one_reason_and_a_note(mod_client, waiting):
    response = mod_client.post(
        BULK,
        {
            "action": "reject",
            "reason": RejectionReason.PROMOTION,
            "note": "pharmacy links",
            "ids": [c.pk for c in waiting],
        },
        follow=True,
    )
    assert messages_of(response) == ["Rejected 4."]
    for comment in waiting:
        comment.refresh_from_db()
        assert comment.status == S.REJECTED
        assert comment.moderation_reason == RejectionReason.PROMOTION
        assert comment.events.last().note == "pharmacy links"


def test_bulk_all_matching_the_filter(
    mod_client, article_factory, member, comment_factory, waiting
):
    elsewhere = article_factory()
    mine = [
        comment_factory(article=elsewhere, author=member, status=S.PENDING)
        for _ in range(2)
    ]
    response = mod_client.post(
        BULK,
        {
            "action": "approve",
            "all_matching": "on",
            "article": elsewhere.pk,
            "next": f"/moderation/?article={elsewhere.pk}",
        },
    )
    assert response["Location"] == f"/moderation/?article={elsewhere.pk}"
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in mine])} == {
        S.APPROVED
    }
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in waiting]).values_list(
            "status", flat=True
        )
    ) == {S.PENDING}


def test_bulk_all_matching_works_in_batches(mod_client, monkeypatch, waiting):
    monkeypatch.setattr(workbench, "BULK_LIMIT", 3)
    response = mod_client.post(
        BULK, {"action": "approve", "all_matching": "on"}, follow=True
    )
    [message] = messages_of(response)
    assert message.startswith("Approved 3. More comments match this filter")
    assert Comment.objects.filter(status=S.PENDING).count() == 1


def test_bulk_reports_what_the_action_does_not_apply_to(mod_client, board):
    response = mod_client.post(
        BULK,
        {
            "action": "approve",
            "tab": "reported",
            "ids": [board["reported"].pk, board["hidden"].pk],
        },
        follow=True,
    )
    assert messages_of(response) == [
        "Approved 1, skipped 1 that can't be approved from their status."
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ids": "{pk}"}, "Choose an action."),
        ({"action": "delete", "ids": "{pk}"}, "not available on this tab"),
        (
            {"action": "approve", "ids": "{pk}", "tab": "spam"},
            "not available on this tab",
        ),
        ({"action": "reject", "ids": "{pk}"}, "Choose a reason to reject them."),
        ({"action": "reject", "reason": "other", "ids": "{pk}"}, "Please say why"),
        ({"action": "approve"}, "Select at least one comment"),
        (
            {"action": "approve", "ids": "abc"},
            "Some of the selected comments are unknown.",
        ),
        (
            {"action": "approve", "ids": "-3"},
            "Some of the selected comments are unknown.",
        ),
        (
            {"action": "approve", "ids": "{pk}", "tab": "nope"},
            "Tab: Select a valid choice.",
        ),
        ({"action": "approve", "ids": "{pk}", "note": "x" * 1001}, "at most 1000"),
    ],
)
def test_bulk_with_bad_input_is_400_and_changes_nothing(
    mod_client, pending, data, message
):
    data = {k: v.format(pk=pending.pk) for k, v in data.items()}
    response = mod_client.post(BULK, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.events.count() == 1


def test_bulk_error_keeps_the_selection_ticked(mod_client, waiting):
    response = mod_client.post(BULK, {"action": "reject", "ids": [waiting[1].pk]})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f'value="{waiting[1].pk}" id="select-{waiting[1].pk}" form="bulk-form" checked'
        in html
    )
    assert (
        f'value="{waiting[0].pk}" id="select-{waiting[0].pk}" form="bulk-form">' in html
    )


def test_bulk_limits_the_number_of_ids(mod_client, pending):
    ids = list(range(1, 502))
    response = mod_client.post(BULK, {"action": "approve", "ids": ids})
    assert response.status_code == 400
    assert "Select at most 500 comments at once." in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; .ci/run and make test always use it",
)
def test_two_moderators_bulk_deciding_overlapping_sets_give_one_decision_each(
    article, user_factory, comment_factory, mailoutbox
):
    comments = [
        comment_factory(article=article, author=user_factory(), status=S.PENDING)
        for _ in range(12)
    ]
    mailoutbox.clear()
    ids = [c.pk for c in comments]
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(user_factory(moderator=True))
        clients.append(client)
    # The approver starts on the shared four, the spammer ends on them: spam
    # is allowed from approved, so only the page's status guard keeps the
    # spammer from deciding them a second time.
    plans = [("approve", ids[4:]), ("spam", ids[:8])]
    barrier = threading.Barrier(2)
    results = [None, None]

    def act(index):
        try:
            action, chosen = plans[index]
            barrier.wait()
            response = clients[index].post(
                BULK, {"action": action, "ids": chosen, "tab": "pending"}
            )
            results[index] = response.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert results == [302, 302]
    for comment in comments:
        decisions = ModerationEvent.objects.filter(comment=comment).exclude(
            from_status=""
        )
        assert decisions.count() == 1, comment.pk
        comment.refresh_from_db()
        assert comment.status == decisions.get().to_status
    statuses = [c.status for c in comments]
    assert statuses[:4] == [S.SPAM] * 4
    assert statuses[8:] == [S.APPROVED] * 4
    article.refresh_from_db()
    assert article.approved_comment_count == statuses.count(S.APPROVED)
    # One notification per decision: each approved comment's author is told
    # once, spam tells nobody, and each email went out once (the others
    # are the article's author and the thread's followers hearing of the
    # new comments, each once too).
    for comment in comments:
        told = Notification.objects.filter(
            recipient=comment.author, comment=comment, kind=NotificationKind.APPROVED
        )
        assert told.count() == (comment.status == S.APPROVED), comment.pk
    sent = Notification.objects.filter(status=NotificationStatus.SENT)
    assert len(mailoutbox) == sent.count()


# Keyboard and the page's safety --------------------------------------------


def test_keyboard_help_and_script_come_from_static_files(mod_client, pending):
    html = mod_client.get(QUEUE).content.decode()
    assert 'src="/static/js/moderation.js" defer' in html
    assert '<dialog id="workbench-keys"' in html
    assert "<kbd>j</kbd>" in html
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert not re.search(r"\son[a-z]+=", html)
    assert " style=" not in html
    assert f'data-key-action="approve">Approve #{pending.pk}' in html


def test_bulk_decision_closes_the_reports_of_hidden_comments(
    mod_client, moderator, article, member, user_factory, comment_factory
):
    hidden = comment_factory(article=article, author=member)
    for _ in range(3):
        report(hidden, user_factory())
    moderation.hide_for_reports(hidden)
    plain = comment_factory(article=article, author=user_factory(), status=S.PENDING)
    response = mod_client.post(
        BULK,
        {"action": "approve", "ids": [hidden.pk, plain.pk], "tab": "pending"},
        follow=True,
    )
    assert "Approved 2." in messages_of(response)
    open_reports = Flag.objects.filter(comment=hidden, resolved_at__isnull=True)
    assert not open_reports.exists()
    assert set(Flag.objects.values_list("resolved_by", flat=True)) == {moderator.pk}
