"""The article page's thread: what it shows, and what it costs."""

import re

import pytest

from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 300])
def test_article_page_queries_do_not_grow_with_thread(
    client, article, comment_factory, django_assert_num_queries, size
):
    comment_factory.create_thread(article=article, size=size, depth=4)
    assert Comment.objects.approved().count() == size
    # Uncached: the slug's article id (remembered for the page cache) +
    # article + references + the page's conversations (with their number)
    # + their comments (with badges in the same query).
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    # 50 conversations of 4 comments a page.
    assert response.content.decode().count('class="comment"') == min(size, 200)
    # The next anonymous reader gets the cached copy.
    with django_assert_num_queries(0):
        again = client.get(article.get_absolute_url())
    assert again.content == response.content


@pytest.mark.parametrize("size", [5, 300])
def test_article_page_queries_for_a_member_do_not_grow_with_thread(
    client, article, member, comment_factory, django_assert_max_num_queries, size
):
    comment_factory.create_thread(article=article, size=size, depth=5)
    client.force_login(member)
    # session, user, article, references, thread, verified-email check
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


def test_thread_is_nested_in_reply_order(client, article, comment_factory):
    first = comment_factory(article=article, body="first top")
    reply = comment_factory(article=article, parent=first, body="reply to first")
    second = comment_factory(article=article, body="second top")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("first top") < html.index("reply to first")
    assert html.index("reply to first") < html.index("second top")
    # The reply sits in a nested list inside the first comment's item.
    first_item = html[
        html.index(f'id="c{first.pk}"') : html.index(f'id="c{second.pk}"')
    ]
    assert 'class="comment-list comment-children"' in first_item
    assert f'id="c{reply.pk}"' in first_item


def test_comment_count_counts_only_approved_comments(
    client, article, member, comment_factory
):
    comment_factory(article=article)
    comment_factory(article=article)
    comment_factory(article=article, status=CommentStatus.REJECTED)
    client.force_login(member)
    client.post(f"/articles/{article.slug}/comments/", {"body": "pending, not counted"})
    article.refresh_from_db()
    assert article.approved_comment_count == 2
    html = client.get(article.get_absolute_url()).content.decode()
    assert "2 comments" in html


def test_comment_shows_display_name_times_and_permalink_but_no_email(
    client, article, user_factory, comment_factory
):
    writer = user_factory(display_name="Quiet Reader", email="secret@example.com")
    comment = comment_factory(article=article, author=writer)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Quiet Reader" in html
    assert "secret@example.com" not in html
    assert f'href="#c{comment.pk}"' in html
    # To the second: HTML's datetime takes at most milliseconds.
    assert f'datetime="{comment.created_at.strftime("%Y-%m-%dT%H:%M:%S%z")}"' in html
    assert comment.created_at.strftime("%-d %b %Y, %H:%M") in html
    assert re.search(r'>(now|[^<>]+ ago)<span class="comment-exact">', html)


def test_rejected_comment_is_never_shown(client, article, comment_factory):
    comment_factory(article=article, body="bad advice", status=CommentStatus.REJECTED)
    assert "bad advice" not in client.get(article.get_absolute_url()).content.decode()


def test_medical_advice_note_is_shown_next_to_the_form(client, article, member):
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "not medical advice" in html
    assert 'action="/articles/ldn-in-ms/comments/"' in html


def test_replies_stay_when_their_parent_is_hidden_for_review(
    client, article, member, other_member, comment_factory
):
    from comments import moderation

    parent = comment_factory(article=article, author=other_member, body="Reported")
    reply = comment_factory(article=article, parent=parent, body="Kind reply")
    moderation.hide_for_reports(parent)
    for viewer in (None, member):
        if viewer:
            client.force_login(viewer)
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Kind reply" in html
        assert "Reported" not in html
        assert "hidden while a moderator reviews it" in html
        assert f'id="c{reply.pk}"' in html


@pytest.mark.parametrize("size", [6, 240])
@pytest.mark.parametrize("role", ["member", "moderator", "author"])
def test_article_page_costs_at_most_8_queries_for_every_role(
    client, article, comment_factory, django_assert_max_num_queries, request, role, size
):
    comment_factory.create_thread(article=article, size=size, depth=3)
    client.force_login(request.getfixturevalue(role))
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    # Nobody gets the anonymous readers' copy.
    assert "csrfmiddlewaretoken" in response.content.decode()
    if role == "moderator":
        assert "Comments awaiting moderation" in response.content.decode()
