"""Posting comments and replies through the real form, per role, with bad
input."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from comments import services
from comments.models import Comment, CommentStatus, ModerationEvent
from comments.permissions import CommentingNotAllowed

pytestmark = pytest.mark.django_db


def post_url(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


def page_text(client, article):
    return client.get(article.get_absolute_url()).content.decode()


def test_member_comment_is_pending_and_shown_only_to_its_author(
    client, article, member, other_member
):
    client.force_login(member)
    response = client.post(post_url(article), {"body": "LDN helped my fatigue."})
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c{comment.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "awaiting moderation" in page
    assert "LDN helped my fatigue." in page

    client.force_login(other_member)
    assert "LDN helped my fatigue." not in page_text(client, article)
    client.logout()
    assert "LDN helped my fatigue." not in page_text(client, article)


def test_member_sees_awaiting_moderation_message_after_posting(client, article, member):
    client.force_login(member)
    response = client.post(post_url(article), {"body": "My first post."}, follow=True)
    assert "awaiting moderation" in response.content.decode()
    messages = [str(m) for m in response.context["messages"]]
    assert any("awaiting moderation" in m for m in messages)


def test_comment_text_is_stored_as_typed_and_as_clean_html(client, article, member):
    client.force_login(member)
    body = "Dose: 4.5 mg <b>nightly</b>\n\nSee https://example.org/ldn"
    client.post(post_url(article), {"body": body})
    comment = Comment.objects.get()
    assert comment.body == body
    assert "&lt;b&gt;nightly&lt;/b&gt;" in comment.body_html
    assert (
        '<a href="https://example.org/ldn" rel="nofollow ugc noopener">'
        in comment.body_html
    )
    assert comment.body_html.count("<p>") == 2


def test_article_author_reply_publishes_at_once_with_author_badge(
    client, article, author, comment_factory
):
    parent = comment_factory(article=article)
    client.force_login(author)
    response = client.post(
        post_url(article), {"body": "Thank you for sharing.", "parent": parent.pk}
    )
    reply = Comment.objects.get(parent=parent)
    assert response.status_code == 302
    assert reply.status == CommentStatus.APPROVED
    assert reply.depth == 2
    client.logout()
    page = page_text(client, article)
    assert "Thank you for sharing." in page
    assert '<span class="badge text-bg-primary">Author</span>' in page


def test_moderator_comment_publishes_at_once_with_moderator_badge(
    client, article, moderator
):
    client.force_login(moderator)
    client.post(post_url(article), {"body": "Please keep it kind."})
    assert Comment.objects.get().status == CommentStatus.APPROVED
    client.logout()
    page = page_text(client, article)
    assert "Please keep it kind." in page
    assert '<span class="badge text-bg-success">Moderator</span>' in page


def test_member_reply_to_approved_comment_is_pending_and_nested(
    client, article, member, comment_factory
):
    parent = comment_factory(article=article)
    client.force_login(member)
    client.post(post_url(article), {"body": "Me too!", "parent": parent.pk})
    reply = Comment.objects.get(parent=parent)
    assert reply.status == CommentStatus.PENDING
    assert reply.depth == 2


@override_settings(COMMENTS_MAX_DEPTH=1)
def test_reply_is_placed_at_top_level_when_depth_cap_is_one(
    client, article, member, comment_factory
):
    first = comment_factory(article=article)
    client.force_login(member)
    client.post(post_url(article), {"body": "flat reply", "parent": first.pk})
    reply = Comment.objects.get(body="flat reply")
    assert (reply.depth, reply.parent) == (1, None)


@override_settings(COMMENTS_MAX_DEPTH=2)
def test_reply_below_a_lowered_cap_attaches_at_the_cap(
    client, article, member, comment_factory
):
    first = comment_factory(article=article)
    second = comment_factory(article=article, parent=first)
    with override_settings(COMMENTS_MAX_DEPTH=5):
        third = comment_factory(article=article, parent=second)
    client.force_login(member)
    client.post(post_url(article), {"body": "after cap change", "parent": third.pk})
    reply = Comment.objects.get(body="after cap change")
    assert (reply.depth, reply.parent_id) == (2, first.pk)


@override_settings(COMMENTS_MAX_DEPTH=3)
def test_reply_to_comment_at_depth_cap_attaches_at_the_cap(
    client, article, member, comment_factory
):
    first = comment_factory(article=article)
    second = comment_factory(article=article, parent=first)
    third = comment_factory(article=article, parent=second)
    assert third.depth == 3
    client.force_login(member)
    client.post(post_url(article), {"body": "Deep reply", "parent": third.pk})
    reply = Comment.objects.get(body="Deep reply")
    assert reply.depth == 3
    assert reply.parent_id == second.pk


def test_reply_link_opens_the_form_for_that_parent_without_javascript(
    client, article, member, comment_factory
):
    parent = comment_factory(article=article, body="Parent story")
    client.force_login(member)
    page = client.get(f"{article.get_absolute_url()}?reply={parent.pk}")
    html = page.content.decode()
    assert f'id="reply-{parent.pk}"' in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_reply_page_shows_the_form_for_that_parent(
    client, article, member, comment_factory
):
    parent = comment_factory(article=article, body="Parent story")
    client.force_login(member)
    response = client.get(reverse("comments:reply", kwargs={"pk": parent.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Parent story" in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_permalink_redirects_to_the_comment_anchor(client, article, comment_factory):
    comment = comment_factory(article=article)
    response = client.get(comment.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c{comment.pk}")


def test_permalink_to_someone_elses_pending_comment_is_404(
    client, article, member, other_member
):
    client.force_login(member)
    client.post(post_url(article), {"body": "pending one"})
    pending = Comment.objects.get()
    assert client.get(pending.get_absolute_url()).status_code == 302
    client.force_login(other_member)
    assert client.get(pending.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(pending.get_absolute_url()).status_code == 404


# Bad input: a clear message, a 4xx, nothing stored.


def assert_nothing_stored():
    assert Comment.objects.count() == 0
    assert ModerationEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required."),
        ("   \n\t  ", "Please write something first."),
        ("x" * 5001, "Please keep comments to 5,000 characters"),
        ("before\x00after", "Null characters are not allowed."),
        ("\x01", "Please write something first."),
        ("\x07  \x08\r\n\x1b", "Please write something first."),
        ("\x80\x9f", "Please write something first."),
    ],
    ids=[
        "empty",
        "whitespace",
        "too-long",
        "nul-byte",
        "control-only",
        "controls-and-breaks",
        "c1-controls",
    ],
)
def test_bad_body_is_refused_with_a_message_and_nothing_stored(
    client, article, member, body, message
):
    client.force_login(member)
    response = client.post(post_url(article), {"body": body})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_stored()


def test_windows_line_breaks_count_once_toward_the_limit(client, article, member):
    # What a browser sends for 5,000 characters typed with 49 line breaks.
    body = "\r\n".join(["x" * 99] * 50)
    assert len(body.replace("\r\n", "\n")) == 4999
    client.force_login(member)
    response = client.post(post_url(article), {"body": body})
    assert response.status_code == 302
    assert Comment.objects.get().body == body.replace("\r\n", "\n")


def test_body_of_exactly_5000_characters_is_accepted(client, article, member):
    client.force_login(member)
    response = client.post(post_url(article), {"body": "x" * 5000})
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_reply_is_rejected_when_parent_is_on_another_article(
    client, article, article_factory, member, comment_factory
):
    elsewhere = comment_factory(article=article_factory())
    before = Comment.objects.count()
    client.force_login(member)
    response = client.post(post_url(article), {"body": "hello", "parent": elsewhere.pk})
    assert response.status_code == 400
    assert "belongs to another article" in response.content.decode()
    assert Comment.objects.count() == before


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.REJECTED])
def test_reply_is_refused_when_parent_is_not_approved(
    client, article, member, other_member, comment_factory, status
):
    parent = comment_factory(article=article, author=other_member, status=status)
    before = Comment.objects.count()
    client.force_login(member)
    response = client.post(post_url(article), {"body": "hello", "parent": parent.pk})
    assert response.status_code == 404
    assert "not available" in response.content.decode()
    assert Comment.objects.count() == before


def test_reply_to_own_pending_comment_is_refused(client, article, member):
    client.force_login(member)
    client.post(post_url(article), {"body": "mine"})
    mine = Comment.objects.get()
    response = client.post(post_url(article), {"body": "again", "parent": mine.pk})
    assert response.status_code == 400
    assert "only reply to a published comment" in response.content.decode()
    assert Comment.objects.count() == 1


def test_reply_is_refused_when_parent_is_missing(client, article, member):
    client.force_login(member)
    response = client.post(post_url(article), {"body": "hello", "parent": 999999})
    assert response.status_code == 404
    assert_nothing_stored()


def test_reply_is_refused_when_parent_is_not_a_number(client, article, member):
    client.force_login(member)
    response = client.post(post_url(article), {"body": "hello", "parent": "abc"})
    assert response.status_code == 400
    assert "replying to is not available" in response.content.decode()
    assert_nothing_stored()


def test_comment_on_draft_article_is_404(client, article_factory, member):
    draft = article_factory(status="draft", published_at=None)
    client.force_login(member)
    response = client.post(post_url(draft), {"body": "hello"})
    assert response.status_code == 404
    assert_nothing_stored()


def test_comment_on_closed_article_is_403_with_message(client, article_factory, member):
    closed = article_factory(moderation_mode="closed")
    client.force_login(member)
    response = client.post(post_url(closed), {"body": "hello"})
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()
    assert_nothing_stored()


def test_closed_article_page_says_comments_are_closed(client, article_factory):
    closed = article_factory(moderation_mode="closed")
    assert "Comments are closed on this article." in page_text(client, closed)


def test_unverified_member_cannot_comment(client, article, unverified):
    client.force_login(unverified)
    response = client.post(post_url(article), {"body": "hello"})
    assert response.status_code == 403
    assert "verify your email address" in response.content.decode()
    assert_nothing_stored()
    assert "verify your email address" in page_text(client, article)


def test_anonymous_poster_is_sent_to_log_in(client, article):
    response = client.post(post_url(article), {"body": "hello"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert_nothing_stored()


def test_post_without_csrf_token_is_refused(article, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(post_url(article), {"body": "hello"})
    assert response.status_code == 403
    assert_nothing_stored()


def test_comment_endpoint_refuses_get(client, article, member):
    client.force_login(member)
    assert client.get(post_url(article)).status_code == 405


def test_inactive_member_cannot_comment_even_through_the_service(article, user_factory):
    user = user_factory()
    user.is_active = False
    user.save()
    with pytest.raises(CommentingNotAllowed, match="can't post"):
        services.comment_create(article=article, author=user, body="hello")
    assert_nothing_stored()


# The reply page (the no-JavaScript route from "Log in to reply" and emails).


def reply_url(comment):
    return reverse("comments:reply", kwargs={"pk": comment.pk})


def test_reply_page_sends_anonymous_users_to_log_in(client, article, comment_factory):
    parent = comment_factory(article=article)
    response = client.get(reply_url(parent))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_reply_page_tells_unverified_members_to_verify(
    client, article, unverified, comment_factory
):
    parent = comment_factory(article=article)
    client.force_login(unverified)
    response = client.get(reply_url(parent))
    assert response.status_code == 403
    assert "verify your email address" in response.content.decode()
    assert 'name="body"' not in response.content.decode()


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_reply_page_works_for_author_and_moderator(
    client, request, article, comment_factory, who
):
    parent = comment_factory(article=article)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reply_url(parent)).status_code == 200


def test_reply_page_for_pending_comment_is_404(
    client, article, member, other_member, comment_factory
):
    pending = comment_factory(article=article, author=other_member, status="pending")
    client.force_login(member)
    assert client.get(reply_url(pending)).status_code == 404


def test_reply_page_on_closed_article_says_so(
    client, article_factory, member, comment_factory
):
    closed = article_factory()
    parent = comment_factory(article=closed)
    closed.moderation_mode = "closed"
    closed.save()
    client.force_login(member)
    response = client.get(reply_url(parent))
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()


def test_reply_page_for_comment_on_draft_is_404(
    client, article, member, comment_factory
):
    parent = comment_factory(article=article)
    article.status = "draft"
    article.save()
    client.force_login(member)
    assert client.get(reply_url(parent)).status_code == 404


def test_refused_form_explains_that_nothing_was_saved(article, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(post_url(article), {"body": "hello"})
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()


def test_double_posted_text_is_kept_once_with_a_clear_message(client, article, member):
    client.force_login(member)
    client.post(post_url(article), {"body": "Same words twice."})
    response = client.post(
        post_url(article), {"body": "Same words twice."}, follow=True
    )
    assert "kept only the first one" in response.content.decode()
    statuses = sorted(Comment.objects.values_list("status", flat=True))
    assert statuses == ["pending", "rejected"]


def test_banned_word_comment_is_not_published_and_the_member_is_told(
    client, article, member
):
    from comments.models import WatchWord

    WatchWord.objects.create(phrase="casino", kind="banned")
    client.force_login(member)
    response = client.post(
        post_url(article), {"body": "Best casino bonus here"}, follow=True
    )
    assert "was not published" in response.content.decode()
    assert Comment.objects.get().status == CommentStatus.SPAM


@pytest.mark.parametrize("earlier", [3, 30])
def test_posting_costs_the_same_queries_however_much_the_member_wrote_before(
    client, article, member, comment_factory, django_assert_max_num_queries, earlier
):
    for _ in range(earlier):
        comment_factory(article=article, author=member)
    client.force_login(member)
    # Rules, sanitising, the insert with its event and counters, follows,
    # and the page to go back to: no query per comment, none per
    # constraint. (Three approved comments make the member trusted in both.)
    with django_assert_max_num_queries(26):
        response = client.post(
            f"/articles/{article.slug}/comments/", {"body": "One more story."}
        )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("account", "verified_address", "may_post"),
    [
        ("Pat.Case@example.com", "pat.case@example.com", True),
        # Python's upper() makes "ß" "SS"; the database's comparison doesn't.
        ("strasse@example.com", "straße@example.com", False),
        ("pat@example.com", "pat@other.example.com", False),
    ],
)
def test_posting_and_the_thread_agree_on_a_verified_address(
    client, article, user_factory, account, verified_address, may_post
):
    """The address must be one the member verified, compared as the
    database compares it: the thread shows the form exactly when posting
    would accept the comment."""
    from allauth.account.models import EmailAddress

    member = user_factory(email=account, verified=False)
    EmailAddress.objects.create(user=member, email=verified_address, verified=True)
    client.force_login(member)
    page = page_text(client, article)
    response = client.post(
        reverse("comments:post", kwargs={"slug": article.slug}),
        {"body": "My neurologist agreed to a trial of LDN."},
    )
    assert ("verify your email address" not in page) is may_post
    assert (response.status_code == 302) is may_post
    assert Comment.objects.filter(author=member).exists() is may_post
