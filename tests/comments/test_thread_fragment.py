"""Members share one cached rendering of each page of a thread, made
personal per member (their own comments get Edit and Delete), so a
member's page costs little more than an anonymous one."""

from datetime import timedelta

import pytest

from comments import moderation
from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return f'href="/comments/{comment.pk}/edit/"'


def delete_url(comment):
    return f'href="/comments/{comment.pk}/delete/"'


def report_url(comment):
    return f'href="/comments/{comment.pk}/report/"'


def test_second_member_gets_the_shared_thread_with_fewer_queries(
    client,
    article,
    member,
    user_factory,
    comment_factory,
    django_assert_max_num_queries,
):
    comment_factory.create_thread(article=article, size=60, depth=3)
    client.force_login(member)
    first = client.get(article.get_absolute_url()).content.decode()
    other = client.__class__()
    other.force_login(user_factory())
    # session, user, article, references, moderator check, the reader's
    # state; the thread itself comes from the cache.
    with django_assert_max_num_queries(6):
        response = other.get(article.get_absolute_url())
    second = response.content.decode()
    assert second.count('class="comment"') == first.count('class="comment"') == 60


def test_each_member_sees_edit_and_delete_on_their_own_comments_only(
    client, article, member, user_factory, comment_factory
):
    mine = comment_factory(article=article, author=member, body="Pat's story.")
    ann = user_factory(display_name="Ann")
    hers = comment_factory(article=article, author=ann, body="Ann's story.")
    for reader, own, others in ((member, mine, hers), (ann, hers, mine)):
        client.force_login(reader)
        html = client.get(article.get_absolute_url()).content.decode()
        assert edit_url(own) in html
        assert delete_url(own) in html
        assert report_url(own) not in html
        assert report_url(others) in html
        assert edit_url(others) not in html
        assert delete_url(others) not in html
        assert "<!--own:" not in html


def test_edit_link_closes_with_its_window_in_the_shared_rendering(
    client, article, member, comment_factory, settings
):
    fresh = comment_factory(article=article, author=member)
    old = comment_factory(article=article, author=member)
    Comment.objects.filter(pk=old.pk).update(
        created_at=old.created_at
        - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES + 1)
    )
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    assert edit_url(fresh) in html
    assert edit_url(old) not in html
    assert delete_url(old) in html


def test_member_with_a_waiting_comment_gets_their_own_rendering(
    client, article, member, user_factory, comment_factory
):
    comment_factory(article=article, body="Everyone sees this.")
    reader = user_factory()
    client.force_login(reader)
    client.get(article.get_absolute_url())  # the shared rendering is cached
    client.force_login(member)
    client.post(f"/articles/{article.slug}/comments/", {"body": "Only mine, waiting."})
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Only mine, waiting." in html
    assert "Awaiting moderation" in html
    client.force_login(reader)
    assert "Only mine, waiting." not in (
        client.get(article.get_absolute_url()).content.decode()
    )


def test_approval_shows_to_members_on_the_next_request(
    client, article, member, comment_factory, moderator
):
    waiting = comment_factory(
        article=article, body="Approved in a moment.", status=CommentStatus.PENDING
    )
    client.force_login(member)
    assert "Approved in a moment." not in (
        client.get(article.get_absolute_url()).content.decode()
    )
    moderation.approve(waiting, by=moderator)
    assert "Approved in a moment." in (
        client.get(article.get_absolute_url()).content.decode()
    )


def test_reply_form_is_rendered_for_the_member_who_opened_it(
    client, article, member, comment_factory
):
    story = comment_factory(article=article)
    client.force_login(member)
    client.get(article.get_absolute_url())
    html = client.get(article.get_absolute_url(), {"reply": story.pk}).content.decode()
    assert f'id="reply-{story.pk}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_text_that_looks_like_a_marker_stays_text(
    client, article, member, user_factory, comment_factory
):
    fake = f"<!--own:1:{member.pk}:9999999999-->pretend<!--/own-->"
    other = comment_factory(article=article, author=user_factory(), body=fake)
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;!--own:" in html
    assert report_url(other) in html
    assert delete_url(other) not in html


def test_unverified_member_shares_a_rendering_without_reply_buttons(
    client, article, user_factory, comment_factory
):
    comment_factory(article=article)
    verified = client.__class__()
    verified.force_login(user_factory())
    assert ">Reply<" in verified.get(article.get_absolute_url()).content.decode()
    client.force_login(user_factory(verified=False))
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">Reply<" not in html
    assert "comment-report" not in html
