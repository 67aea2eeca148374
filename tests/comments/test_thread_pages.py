"""Long threads are paged by conversation: a top-level comment with all its
replies stays on one page, permalinks find their page, and each page has
rel=prev/next links and an order to choose."""

import re

import pytest

from comments import selectors
from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db

PER_PAGE = 3


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.COMMENTS_THREADS_PER_PAGE = PER_PAGE


@pytest.fixture
def conversations(article, comment_factory):
    """Eight conversations, oldest first; each has one reply, which has
    one of its own."""
    heads = []
    for n in range(8):
        head = comment_factory(article=article, body=f"Story number {n}.")
        reply = comment_factory(article=article, parent=head, body=f"Reply to {n}.")
        comment_factory(article=article, parent=reply, body=f"Answer in {n}.")
        heads.append(head)
    return heads


def stories(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Story number (\d+)\.", html)]


def page(client, article, **query):
    response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 200
    return response.content.decode()


def test_first_page_holds_the_oldest_conversations_with_all_their_replies(
    client, article, conversations
):
    html = page(client, article)
    assert stories(html) == [0, 1, 2]
    for n in range(3):
        assert f"Reply to {n}." in html
        assert f"Answer in {n}." in html
    assert "Reply to 3." not in html
    assert "Page 1 of 3" in html


def test_last_page_holds_the_remaining_conversations(client, article, conversations):
    html = page(client, article, page=3)
    assert stories(html) == [6, 7]
    assert "Answer in 7." in html


def test_pages_link_to_each_other_with_rel_prev_and_next(
    client, article, conversations
):
    url = article.get_absolute_url()
    first = page(client, article)
    assert f'<link rel="next" href="{url}?page=2">' in first
    assert 'rel="prev"' not in first
    middle = page(client, article, page=2)
    assert f'<link rel="prev" href="{url}">' in middle
    assert f'<link rel="next" href="{url}?page=3">' in middle
    assert f'<a class="page-link" rel="next" href="{url}?page=3#comments">' in middle
    last = page(client, article, page=3)
    assert f'<link rel="prev" href="{url}?page=2">' in last
    assert 'rel="next"' not in last


def test_newest_first_reverses_conversations_but_not_their_replies(
    client, article, conversations
):
    html = page(client, article, sort="newest")
    assert stories(html) == [7, 6, 5]
    assert html.index("Story number 7.") < html.index("Reply to 7.")
    assert html.index("Reply to 7.") < html.index("Answer in 7.")
    url = article.get_absolute_url()
    assert f'<link rel="next" href="{url}?page=2&amp;sort=newest">' in html
    assert stories(page(client, article, sort="newest", page=3)) == [1, 0]


def test_reply_link_keeps_the_page_and_order(client, article, member, conversations):
    client.force_login(member)
    html = page(client, article, page=2, sort="newest")
    head = conversations[4]
    assert f'href="?page=2&amp;sort=newest&amp;reply={head.pk}#reply-{head.pk}"' in html


@pytest.mark.parametrize(
    "query",
    [{"page": 4}, {"page": 0}, {"page": "x"}, {"page": "²"}, {"sort": "loudest"}],
)
def test_page_the_thread_does_not_have_is_404_with_a_message(
    client, article, conversations, query
):
    response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 404


def test_empty_thread_has_one_page(client, article):
    html = page(client, article)
    assert "No comments yet" in html
    assert client.get(article.get_absolute_url(), {"page": 2}).status_code == 404


def test_permalink_to_a_reply_lands_on_the_page_of_its_conversation(
    client, article, conversations
):
    answer = Comment.objects.get(body="Answer in 4.")
    response = client.get(answer.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?page=2#c{answer.pk}"
    html = client.get(response["Location"]).content.decode()
    assert f'id="c{answer.pk}"' in html


def test_permalink_on_the_first_page_has_no_page_number(client, article, conversations):
    response = client.get(conversations[1].get_absolute_url())
    assert response["Location"] == (
        f"{article.get_absolute_url()}#c{conversations[1].pk}"
    )


def test_conversation_with_nothing_visible_takes_no_place_on_a_page(
    client, article, conversations, comment_factory, moderator
):
    from comments import moderation

    # Story 1 and its replies go; story 2 goes but its reply stays.
    for comment in Comment.objects.filter(root=conversations[1]):
        moderation.remove(comment, by=moderator)
    moderation.remove(conversations[1], by=moderator)
    moderation.remove(conversations[2], by=moderator)
    html = page(client, article)
    assert stories(html) == [0, 3]  # story 2 is a placeholder
    assert "This comment was removed by a moderator." in html
    assert "Reply to 2." in html
    assert "Reply to 1." not in html
    # Story 5 moved up to page 2, and its permalink says so.
    assert stories(page(client, article, page=2)) == [4, 5, 6]
    response = client.get(conversations[5].get_absolute_url())
    assert response["Location"].endswith(f"?page=2#c{conversations[5].pk}")


def test_own_pending_conversation_counts_only_for_its_author(
    client, article, member, conversations
):
    client.force_login(member)
    response = client.post(
        f"/articles/{article.slug}/comments/", {"body": "Story number 8."}
    )
    mine = Comment.objects.get(body="Story number 8.")
    assert mine.status == CommentStatus.PENDING
    # Posting lands on the page that holds the new comment.
    assert response["Location"] == (f"{article.get_absolute_url()}?page=3#c{mine.pk}")
    assert stories(page(client, article, page=3)) == [6, 7, 8]
    client.logout()
    assert stories(page(client, article, page=3)) == [6, 7]
    assert client.get(mine.get_absolute_url()).status_code == 404


def test_a_page_loads_only_its_own_conversations(article, conversations, member):
    thread = selectors.comment_thread(article=article, user=member, page=2)
    loaded = []
    stack = list(thread.nodes)
    while stack:
        node = stack.pop()
        loaded.append(node.comment.body_html)
        stack.extend(node.children)
    assert len(loaded) == PER_PAGE * 3
    assert all(body.endswith(("3.</p>", "4.</p>", "5.</p>")) for body in loaded)
    assert thread.conversations == 8
    assert thread.num_pages == 3


@pytest.mark.parametrize("size", [4, 40])
def test_later_page_queries_do_not_grow_with_thread(
    client, article, comment_factory, django_assert_num_queries, size
):
    comment_factory.create_thread(article=article, size=size * 3, depth=3)
    with django_assert_num_queries(5):  # uncached: tests/comments/test_thread.py
        response = client.get(article.get_absolute_url(), {"page": 2})
    assert response.status_code == 200
