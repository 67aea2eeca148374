"""Members and their own comments: editing within the window, deleting,
"My comments", and the community guidelines."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    ModerationEvent,
    WatchKind,
    WatchWord,
)

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return reverse("comments:edit", kwargs={"pk": comment.pk})


def delete_url(comment):
    return reverse("comments:delete", kwargs={"pk": comment.pk})


MY_COMMENTS = reverse("comments:my-comments")
GUIDELINES = reverse("comments:guidelines")


def age(comment, minutes):
    """Pretend the comment was posted `minutes` ago."""
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    comment.refresh_from_db()


def page_html(client, article):
    return client.get(article.get_absolute_url()).content.decode()


# Edit --------------------------------------------------------------------


def test_edit_page_shows_prefilled_form_and_time_left_when_author_within_window(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member, body="Typo in here.")
    client.force_login(member)
    response = client.get(edit_url(comment))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Typo in here.</textarea>" in html
    assert "left)" in html
    assert "15 minutes" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_edit_saves_new_text_and_keeps_old_one_when_author_posts(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member, body="LDN 3 mg.")
    client.force_login(member)
    response = client.post(edit_url(comment), {"body": "LDN 4.5 mg, I misspoke."})
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "LDN 4.5 mg, I misspoke."
    assert comment.status == CommentStatus.APPROVED
    assert comment.edited_at is not None
    revision = CommentRevision.objects.get(comment=comment)
    assert revision.body == "LDN 3 mg."
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "LDN 4.5 mg, I misspoke." in html
    assert "LDN 3 mg." not in html
    assert any("changes are saved" in str(m) for m in page.context["messages"])


def test_edited_comment_shows_edited_marker_with_time_to_everyone(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member)
    client.force_login(member)
    client.post(edit_url(comment), {"body": "Corrected text."})
    comment.refresh_from_db()
    client.logout()
    html = page_html(client, article)
    assert "Corrected text." in html
    # To the second: HTML's datetime takes at most milliseconds.
    edited = comment.edited_at.strftime("%Y-%m-%dT%H:%M:%S%z")
    assert f'<time datetime="{edited}" title="Edited ' in html
    assert ">edited</time>" in html


def test_unedited_comment_has_no_edited_marker(client, article, comment_factory):
    comment_factory(article=article)
    assert ">edited</time>" not in page_html(client, article)


def test_edit_sends_comment_back_to_moderation_when_new_text_trips_a_rule(
    client, article, member, other_member, comment_factory
):
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    comment = comment_factory(article=article, author=member, body="It helps a bit.")
    client.force_login(member)
    response = client.post(
        edit_url(comment), {"body": "It is a cure for MS."}, follow=True
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert any(
        "awaiting moderation again" in str(m) for m in response.context["messages"]
    )
    # The author still sees it, marked; others no longer do.
    assert "It is a cure for MS." in response.content.decode()
    client.force_login(other_member)
    html = page_html(client, article)
    assert "It is a cure for MS." not in html
    assert "It helps a bit." not in html


def test_edit_of_pending_comment_says_it_is_still_awaiting_moderation(
    client, article, member, comment_factory
):
    comment = comment_factory(
        article=article, author=member, status=CommentStatus.PENDING
    )
    client.force_login(member)
    response = client.post(edit_url(comment), {"body": "Better words."}, follow=True)
    comment.refresh_from_db()
    assert comment.body == "Better words."
    assert comment.status == CommentStatus.PENDING
    assert any(
        "still awaiting moderation" in str(m) for m in response.context["messages"]
    )


def test_edit_is_refused_with_403_when_window_has_closed(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member, body="Old words.")
    age(comment, 16)
    client.force_login(member)
    response = client.get(edit_url(comment))
    assert response.status_code == 403
    assert "can no longer be changed" in response.content.decode()
    assert "<textarea" not in response.content.decode()
    response = client.post(edit_url(comment), {"body": "New words."})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Old words."
    assert not CommentRevision.objects.exists()


def test_edit_is_allowed_just_before_window_closes(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member)
    age(comment, 14)
    client.force_login(member)
    assert client.post(edit_url(comment), {"body": "Just in time."}).status_code == 302


def test_edit_is_403_when_own_comment_was_rejected(
    client, article, member, comment_factory
):
    comment = comment_factory(
        article=article, author=member, status=CommentStatus.REJECTED
    )
    client.force_login(member)
    response = client.post(edit_url(comment), {"body": "Let me try again."})
    assert response.status_code == 403
    assert "can no longer be edited" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert comment.body != "Let me try again."


@pytest.mark.parametrize("role", ["other_member", "moderator", "author"])
def test_edit_is_403_when_viewer_is_not_the_comment_author(
    client, article, member, comment_factory, request, role
):
    comment = comment_factory(article=article, author=member, body="Mine.")
    client.force_login(request.getfixturevalue(role))
    assert client.get(edit_url(comment)).status_code == 403
    response = client.post(edit_url(comment), {"body": "Not yours."})
    assert response.status_code == 403
    assert "only edit your own" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Mine."


def test_edit_is_404_when_viewer_cannot_see_the_comment(
    client, article, member, other_member, comment_factory
):
    comment = comment_factory(
        article=article, author=member, status=CommentStatus.PENDING
    )
    client.force_login(other_member)
    assert client.get(edit_url(comment)).status_code == 404
    assert client.post(edit_url(comment), {"body": "x"}).status_code == 404
    assert client.get("/comments/999999/edit/").status_code == 404


def test_edit_redirects_anonymous_visitor_to_login(client, article, comment_factory):
    comment = comment_factory(article=article, body="Leave me be.")
    response = client.post(edit_url(comment), {"body": "Vandalised."})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    comment.refresh_from_db()
    assert comment.body == "Leave me be."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required."),
        ("   \n ", "Please write something first."),
        ("x" * 5001, "Please keep comments to 5,000 characters"),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_edit_is_400_and_changes_nothing_when_text_is_bad(
    client, article, member, comment_factory, body, message
):
    comment = comment_factory(article=article, author=member, body="Good text.")
    client.force_login(member)
    response = client.post(edit_url(comment), {"body": body})
    assert response.status_code == 400
    assert message in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Good text."
    assert comment.edited_at is None
    assert not CommentRevision.objects.exists()


def test_edit_without_changes_stores_no_revision(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member, body="Same.")
    client.force_login(member)
    assert client.post(edit_url(comment), {"body": "Same."}).status_code == 302
    comment.refresh_from_db()
    assert comment.edited_at is None
    assert not CommentRevision.objects.exists()


def test_thread_shows_edit_link_only_on_own_comments_within_window(
    client, article, member, other_member, comment_factory
):
    fresh = comment_factory(article=article, author=member)
    old = comment_factory(article=article, author=member)
    age(old, 20)
    theirs = comment_factory(article=article, author=other_member)
    client.force_login(member)
    html = page_html(client, article)
    assert f'href="{edit_url(fresh)}"' in html
    assert f'href="{edit_url(old)}"' not in html
    assert f'href="{edit_url(theirs)}"' not in html
    # Deleting has no window.
    assert f'href="{delete_url(old)}"' in html
    assert f'href="{delete_url(theirs)}"' not in html
    client.logout()
    html = page_html(client, article)
    assert "/edit/" not in html
    assert "/delete/" not in html


@pytest.mark.parametrize("size", [3, 60])
def test_article_page_queries_do_not_grow_with_own_editable_comments(
    client, article, member, comment_factory, django_assert_max_num_queries, size
):
    for _ in range(size):
        comment_factory(article=article, author=member)
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())
    # The first page holds 50 conversations.
    assert response.content.decode().count("/edit/") == min(size, 50)


# Delete ------------------------------------------------------------------


def test_delete_page_asks_for_confirmation_and_deletes_nothing(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member, body="Second thoughts.")
    client.force_login(member)
    response = client.get(delete_url(comment))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Second thoughts." in html
    assert f'<form method="post" action="{delete_url(comment)}">' in html
    assert "Delete my comment</button>" in html
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED


def test_delete_without_replies_removes_comment_from_page_and_keeps_row(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member, body="Gone soon.")
    client.force_login(member)
    response = client.post(delete_url(comment), follow=True)
    assert response.redirect_chain[-1][0] == f"{article.get_absolute_url()}#comments"
    html = response.content.decode()
    assert "Your comment is deleted." in html
    assert "Gone soon." not in html
    assert f'id="c{comment.pk}"' not in html
    comment.refresh_from_db()
    assert comment.status == CommentStatus.DELETED
    assert comment.body == "Gone soon."
    assert ModerationEvent.objects.filter(
        comment=comment, to_status=CommentStatus.DELETED, actor=member
    ).exists()


def test_deleted_comment_with_reply_leaves_author_placeholder_without_text_or_name(
    client, article, user_factory, comment_factory
):
    writer = user_factory(display_name="Vanishing Val")
    comment = comment_factory(article=article, author=writer, body="Secret words.")
    comment_factory(article=article, parent=comment, body="A reply that stays.")
    client.force_login(writer)
    client.post(delete_url(comment))
    client.logout()
    html = page_html(client, article)
    assert "This comment was deleted by its author." in html
    assert "A reply that stays." in html
    assert "Secret words." not in html
    assert "Vanishing Val" not in html
    assert f'id="c{comment.pk}"' in html


def test_removed_comment_with_reply_leaves_moderator_placeholder(
    client, article, comment_factory, moderator
):
    from comments import moderation

    comment = comment_factory(article=article, body="Harmful advice.")
    comment_factory(article=article, parent=comment, body="Please don't do that.")
    moderation.remove(comment, by=moderator)
    html = page_html(client, article)
    assert "This comment was removed by a moderator." in html
    assert "Please don't do that." in html
    assert "Harmful advice." not in html


def test_delete_page_warns_that_replies_stay(client, article, member, comment_factory):
    comment = comment_factory(article=article, author=member)
    comment_factory(article=article, parent=comment)
    client.force_login(member)
    html = client.get(delete_url(comment)).content.decode()
    assert "deleted by its author" in html


def test_member_can_delete_own_pending_comment(
    client, article, member, comment_factory
):
    comment = comment_factory(
        article=article, author=member, status=CommentStatus.PENDING
    )
    client.force_login(member)
    assert client.post(delete_url(comment)).status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.DELETED


@pytest.mark.parametrize("role", ["other_member", "moderator"])
def test_delete_is_403_when_viewer_is_not_the_comment_author(
    client, article, member, comment_factory, request, role
):
    comment = comment_factory(article=article, author=member)
    client.force_login(request.getfixturevalue(role))
    assert client.get(delete_url(comment)).status_code == 403
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "only delete your own" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED


def test_delete_is_404_when_viewer_cannot_see_the_comment(
    client, article, member, other_member, comment_factory
):
    comment = comment_factory(
        article=article, author=member, status=CommentStatus.PENDING
    )
    client.force_login(other_member)
    assert client.post(delete_url(comment)).status_code == 404
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_delete_redirects_anonymous_visitor_to_login(client, article, comment_factory):
    comment = comment_factory(article=article)
    response = client.post(delete_url(comment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED


def test_delete_twice_is_refused_and_writes_one_event(
    client, article, member, comment_factory
):
    comment = comment_factory(article=article, author=member)
    client.force_login(member)
    client.post(delete_url(comment))
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "can no longer be deleted" in response.content.decode()
    assert (
        ModerationEvent.objects.filter(
            comment=comment, to_status=CommentStatus.DELETED
        ).count()
        == 1
    )


def test_delete_only_accepts_get_and_post(client, article, member, comment_factory):
    comment = comment_factory(article=article, author=member)
    client.force_login(member)
    assert client.put(delete_url(comment)).status_code == 405


# My comments -------------------------------------------------------------


def test_my_comments_redirects_anonymous_visitor_to_login(client):
    response = client.get(MY_COMMENTS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_comments_lists_own_comments_newest_first_with_status_in_words(
    client, article, member, other_member, comment_factory
):
    for status, body in [
        (CommentStatus.APPROVED, "published one"),
        (CommentStatus.PENDING, "waiting one"),
        (CommentStatus.SPAM, "spam one"),
        (CommentStatus.DELETED, "deleted one"),
    ]:
        comment_factory(article=article, author=member, status=status, body=body)
    comment_factory(article=article, author=other_member, body="not mine")
    client.force_login(member)
    response = client.get(MY_COMMENTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "not mine" not in html
    order = [html.index(b) for b in ["deleted one", "spam one", "waiting one"]]
    assert order == sorted(order)
    assert html.index("waiting one") < html.index("published one")
    for words in ["Published", "Awaiting moderation", "Spam", "Deleted by you"]:
        assert f">{words}</span>" in html
    assert f'href="{article.get_absolute_url()}' in html
    assert article.title in html


def test_my_comments_shows_moderators_reason_and_guidelines_link_when_rejected(
    client, article, member, comment_factory, moderator
):
    from comments import moderation

    rejected = comment_factory(
        article=article, author=member, status=CommentStatus.PENDING
    )
    moderation.reject(rejected, by=moderator, reason="harmful_advice")
    removed = comment_factory(article=article, author=member)
    moderation.remove(removed, by=moderator, reason="promotion")
    client.force_login(member)
    html = client.get(MY_COMMENTS).content.decode()
    assert ">Rejected</span>" in html
    assert ">Removed by a moderator</span>" in html
    assert "Medical advice that could cause harm" in html
    assert "Advertising or self-promotion" in html
    assert html.count(f'href="{GUIDELINES}"') >= 3


def test_my_comments_does_not_show_the_moderators_name_or_note(
    client, article, member, comment_factory, moderator
):
    from comments import moderation

    comment = comment_factory(
        article=article, author=member, status=CommentStatus.PENDING
    )
    moderation.reject(
        comment, by=moderator, reason="off_topic", note="internal: repeat offender"
    )
    client.force_login(member)
    html = client.get(MY_COMMENTS).content.decode()
    assert "Off topic for this article" in html
    assert "repeat offender" not in html
    assert "Mod Mo" not in html


def test_my_comments_for_moderator_lists_their_own_comments(
    client, article, moderator, member, comment_factory
):
    comment_factory(article=article, author=moderator, body="moderator words")
    comment_factory(article=article, author=member, body="member words")
    client.force_login(moderator)
    html = client.get(MY_COMMENTS).content.decode()
    assert "moderator words" in html
    assert "member words" not in html


def test_my_comments_is_empty_page_with_a_hint_when_member_has_none(client, member):
    client.force_login(member)
    html = client.get(MY_COMMENTS).content.decode()
    assert "You haven't written any comments yet." in html


def test_my_comments_paginates_by_fifty_and_404s_on_bad_page(
    client, article, member, comment_factory
):
    for _ in range(51):
        comment_factory(article=article, author=member)
    client.force_login(member)
    first = client.get(MY_COMMENTS)
    assert first.content.decode().count('class="my-comment ') == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(MY_COMMENTS, {"page": 2})
    assert second.content.decode().count('class="my-comment ') == 1
    assert client.get(MY_COMMENTS, {"page": 3}).status_code == 404
    assert client.get(MY_COMMENTS, {"page": "x"}).status_code == 404


@pytest.mark.parametrize("size", [3, 60])
def test_my_comments_queries_do_not_grow_with_comments(
    client,
    article_factory,
    member,
    comment_factory,
    moderator,
    django_assert_max_num_queries,
    size,
):
    from comments import moderation

    for n in range(size):
        comment = comment_factory(
            article=article_factory(), author=member, status=CommentStatus.PENDING
        )
        if n % 3 == 0:
            moderation.reject(comment, by=moderator, reason="off_topic")
        elif n % 3 == 1:
            moderation.approve(comment, by=moderator)
    client.force_login(member)
    # session, user, count, page (with articles), moderator check (2)
    with django_assert_max_num_queries(7):
        response = client.get(MY_COMMENTS)
    assert response.status_code == 200


def test_navbar_links_my_comments_for_signed_in_members_only(client, member):
    link = f'<a class="nav-link" href="{MY_COMMENTS}">My comments</a>'
    assert link not in client.get("/").content.decode()
    client.force_login(member)
    assert link in client.get("/").content.decode()


# Guidelines --------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_guidelines_page_is_public(client, request, role):
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get(GUIDELINES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Community guidelines</h1>" in html
    assert "No dosing instructions for others" in html
    assert "pharmacy" in html
    assert "3 different members report" in html


def test_guidelines_page_refuses_post(client):
    assert client.post(GUIDELINES).status_code == 405


def test_comment_forms_link_to_guidelines(client, article, member, comment_factory):
    parent = comment_factory(article=article)
    client.force_login(member)
    assert f'href="{GUIDELINES}"' in page_html(client, article)
    reply_page = client.get(reverse("comments:reply", kwargs={"pk": parent.pk}))
    assert f'href="{GUIDELINES}"' in reply_page.content.decode()
