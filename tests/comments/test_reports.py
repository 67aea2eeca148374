"""Members reporting comments: the form, who may report what, and a comment
that disappears once enough members have reported it."""

import re

import pytest
from django.urls import reverse

from articles.models import ModerationMode
from comments import moderation
from comments.models import CommentStatus, Flag, FlagReason

pytestmark = pytest.mark.django_db

THANKS = "Thank you, a moderator will look at it."


def report_url(comment):
    return reverse("comments:report", kwargs={"pk": comment.pk})


def page_html(client, article):
    return client.get(article.get_absolute_url()).content.decode()


@pytest.fixture
def their_comment(article, other_member, comment_factory):
    return comment_factory(
        article=article, author=other_member, body="Stop your MS drugs now."
    )


def test_report_form_offers_reasons_as_radio_buttons_and_a_note(
    client, member, their_comment
):
    client.force_login(member)
    response = client.get(report_url(their_comment))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop your MS drugs now." in html
    for value, label in FlagReason.choices:
        assert re.search(
            rf'<input type="radio"[^>]* name="reason" value="{value}"', html
        )
        assert label in html
    assert 'name="note"' in html
    assert 'maxlength="500"' in html


def test_report_is_stored_and_member_is_thanked(client, member, their_comment):
    client.force_login(member)
    response = client.post(
        report_url(their_comment), {"reason": "misinformation", "note": ""}
    )
    article_url = their_comment.article.get_absolute_url()
    assert response.status_code == 302
    assert response["Location"] == f"{article_url}#c{their_comment.pk}"
    flag = Flag.objects.get()
    assert (flag.comment, flag.reporter, flag.reason) == (
        their_comment,
        member,
        FlagReason.MISINFORMATION,
    )
    page = client.get(response["Location"])
    assert THANKS in page.content.decode()
    their_comment.refresh_from_db()
    assert their_comment.status == CommentStatus.APPROVED


def test_report_with_other_reason_keeps_the_note(client, member, their_comment):
    client.force_login(member)
    client.post(
        report_url(their_comment), {"reason": "other", "note": "  Looks off.  "}
    )
    assert Flag.objects.get().note == "Looks off."


def test_report_is_refused_with_409_when_member_reports_twice(
    client, member, their_comment
):
    client.force_login(member)
    client.post(report_url(their_comment), {"reason": "spam"})
    response = client.post(report_url(their_comment), {"reason": "harassment"})
    assert response.status_code == 409
    assert "already reported this comment" in response.content.decode()
    assert Flag.objects.count() == 1
    # Coming back to the form says so before they fill it in again.
    response = client.get(report_url(their_comment))
    assert response.status_code == 409
    assert 'name="reason"' not in response.content.decode()


def test_report_of_own_comment_is_refused_with_403(
    client, article, member, comment_factory
):
    mine = comment_factory(article=article, author=member)
    client.force_login(member)
    assert client.get(report_url(mine)).status_code == 403
    response = client.post(report_url(mine), {"reason": "spam"})
    assert response.status_code == 403
    assert "can&#x27;t report your own comment" in response.content.decode()
    assert not Flag.objects.exists()


def test_report_by_unverified_member_is_refused_with_403(
    client, unverified, their_comment
):
    client.force_login(unverified)
    assert client.get(report_url(their_comment)).status_code == 403
    response = client.post(report_url(their_comment), {"reason": "spam"})
    assert response.status_code == 403
    assert "verify your email address" in response.content.decode()
    assert not Flag.objects.exists()


def test_report_by_moderator_is_stored(client, moderator, their_comment):
    client.force_login(moderator)
    response = client.post(report_url(their_comment), {"reason": "spam"})
    assert response.status_code == 302
    assert Flag.objects.filter(reporter=moderator).exists()


def test_report_redirects_anonymous_visitor_to_login(client, their_comment):
    for response in (
        client.get(report_url(their_comment)),
        client.post(report_url(their_comment), {"reason": "spam"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please choose a reason."),
        ({"reason": "rude"}, "Select a valid choice."),
        ({"reason": "other", "note": "   "}, "Please tell the moderators"),
        ({"reason": "spam", "note": "x" * 501}, "at most 500 characters"),
        ({"reason": "spam", "note": "a\x00b"}, "Null characters are not allowed."),
    ],
)
def test_report_is_400_and_stores_nothing_when_input_is_bad(
    client, member, their_comment, data, message
):
    client.force_login(member)
    response = client.post(report_url(their_comment), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Your report was not sent." in response.content.decode()
    assert not Flag.objects.exists()


def test_report_of_removed_comment_is_refused_politely_with_409(
    client, member, moderator, their_comment
):
    moderation.remove(their_comment, by=moderator)
    client.force_login(member)
    response = client.post(report_url(their_comment), {"reason": "spam"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "already with the moderators or no longer shown" in html
    assert "Stop your MS drugs now." not in html
    assert not Flag.objects.exists()


def test_report_of_comment_nobody_else_has_seen_is_404(
    client, article, member, other_member, comment_factory
):
    pending = comment_factory(
        article=article, author=other_member, status=CommentStatus.PENDING
    )
    client.force_login(member)
    assert client.get(report_url(pending)).status_code == 404
    assert client.post(report_url(pending), {"reason": "spam"}).status_code == 404
    assert client.get("/comments/999999/report/").status_code == 404
    assert not Flag.objects.exists()


def test_comment_disappears_from_thread_after_three_members_report_it(
    client, article, user_factory, their_comment, settings
):
    assert settings.REPORTS_TO_HIDE == 3
    reporters = [user_factory() for _ in range(3)]
    for n, reporter in enumerate(reporters, start=1):
        client.force_login(reporter)
        response = client.post(report_url(their_comment), {"reason": "misinformation"})
        assert response.status_code == 302
        their_comment.refresh_from_db()
        if n < 3:
            assert their_comment.status == CommentStatus.APPROVED
            assert "Stop your MS drugs now." in page_html(client, article)
    assert their_comment.status == CommentStatus.PENDING
    # The last reporter lands on the discussion, where it is no longer shown.
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert "Stop your MS drugs now." not in page_html(client, article)
    client.logout()
    assert "Stop your MS drugs now." not in page_html(client, article)
    # A fourth member is told politely that moderators have it.
    client.force_login(user_factory())
    response = client.post(report_url(their_comment), {"reason": "spam"})
    assert response.status_code == 409
    assert Flag.objects.count() == 3


def test_report_threshold_follows_the_setting(
    client, user_factory, their_comment, settings
):
    settings.REPORTS_TO_HIDE = 1
    client.force_login(user_factory())
    client.post(report_url(their_comment), {"reason": "spam"})
    their_comment.refresh_from_db()
    assert their_comment.status == CommentStatus.PENDING


def test_thread_shows_report_link_on_others_approved_comments_for_verified_members(
    client, article, member, unverified, their_comment, comment_factory
):
    mine = comment_factory(article=article, author=member)
    client.force_login(member)
    html = page_html(client, article)
    assert f'href="{report_url(their_comment)}"' in html
    assert f'href="{report_url(mine)}"' not in html
    client.force_login(unverified)
    assert "/report/" not in page_html(client, article)
    client.logout()
    assert "/report/" not in page_html(client, article)


def test_thread_shows_report_link_when_comments_are_closed(
    client, article, member, their_comment
):
    article.moderation_mode = ModerationMode.CLOSED
    article.save()
    client.force_login(member)
    assert f'href="{report_url(their_comment)}"' in page_html(client, article)


def test_report_only_accepts_get_and_post(client, member, their_comment):
    client.force_login(member)
    assert client.delete(report_url(their_comment)).status_code == 405
