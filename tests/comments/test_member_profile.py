"""A member's public profile: display name, month joined, approved
comments, an optional bio, and nothing else."""

import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import CommentStatus

pytestmark = pytest.mark.django_db


def profile_url(user) -> str:
    return reverse("comments:member-profile", args=[user.pk])


@pytest.fixture
def pats_comments(article, member, comment_factory):
    return {
        status: comment_factory(
            article=article, author=member, body=f"Pat's {status} text.", status=status
        )
        for status in CommentStatus.values
    }


@pytest.mark.parametrize("role", [None, "other_member", "moderator"])
def test_profile_shows_name_month_joined_and_only_approved_comments(
    client, request, member, pats_comments, role
):
    if role:
        client.force_login(request.getfixturevalue(role))
    member.date_joined = timezone.make_aware(datetime(2025, 3, 14, 9, 30))
    member.save()
    response = client.get(profile_url(member))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h3">Patient Pat</h1>' in html
    assert "Member since" in html and "March 2025" in html
    assert "14 March" not in html  # the month is enough
    assert "Pat&#x27;s approved text." in html
    for status in set(CommentStatus.values) - {CommentStatus.APPROVED}:
        assert f"Pat&#x27;s {status} text." not in html
    approved = pats_comments[CommentStatus.APPROVED]
    assert f'href="{approved.article.get_absolute_url()}#{approved.anchor}"' in html
    assert member.email not in html
    assert "Edit your profile" not in html


def test_profile_shows_the_bio_as_escaped_plain_text(client, member):
    member.bio = "On LDN since 2021.\n<script>alert(1)</script> <b>bold</b>"
    member.save()
    html = client.get(profile_url(member)).content.decode()
    assert "On LDN since 2021.<br>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert" not in html


def test_profile_without_a_bio_shows_no_bio_block(client, member):
    assert 'class="member-bio' not in client.get(profile_url(member)).content.decode()


def test_own_profile_links_to_the_profile_settings(client, member):
    client.force_login(member)
    html = client.get(profile_url(member)).content.decode()
    assert f'href="{reverse("accounts:profile-edit")}"' in html


def test_profile_leaves_out_comments_on_unpublished_articles(
    client, article_factory, member, comment_factory
):
    article = article_factory()
    comment_factory(article=article, author=member, body="On a withdrawn article.")
    article.status = "draft"
    article.save()
    html = client.get(profile_url(member)).content.decode()
    assert "On a withdrawn article." not in html
    assert "No published comments yet." in html


def test_banned_members_profile_still_shows_their_approved_comments(
    client, article, member, moderator, comment_factory
):
    comment_factory(article=article, author=member, body="Before the ban.")
    moderation.set_standing(member, level="banned", by=moderator)
    response = client.get(profile_url(member))
    assert response.status_code == 200
    assert "Before the ban." in response.content.decode()


@pytest.mark.parametrize("pk", ["999999", "abc", "-1"])
def test_profile_of_an_unknown_member_is_a_404(client, member, pk):
    assert client.get(f"/members/{pk}/").status_code == 404


def test_profile_of_a_deleted_account_is_a_404(client, member):
    url = profile_url(member)
    member.delete()
    assert client.get(url).status_code == 404


def test_profile_pages_its_comments_newest_first(
    client, article, member, comment_factory
):
    made = [
        comment_factory(article=article, author=member, body=f"Comment number {n}.")
        for n in range(25)
    ]
    first = client.get(profile_url(member)).content.decode()
    second = client.get(profile_url(member) + "?page=2").content.decode()
    assert "Comment number 24." in first and "Comment number 5." in first
    assert "Comment number 4." not in first
    assert "Comment number 4." in second and "Comment number 0." in second
    assert "Page 1 of 2" in first
    assert len(made) == 25
    assert client.get(profile_url(member) + "?page=9").status_code == 404


@pytest.mark.parametrize("size", [3, 40])
def test_profile_queries_do_not_grow_with_comments(
    client,
    article_factory,
    member,
    comment_factory,
    django_assert_max_num_queries,
    size,
):
    articles = [article_factory() for _ in range(3)]
    for n in range(size):
        comment_factory(article=articles[n % 3], author=member)
    with django_assert_max_num_queries(3):
        assert client.get(profile_url(member)).status_code == 200


def test_thread_links_each_display_name_to_its_profile(
    client, article, member, other_member, comment_factory
):
    comment_factory(article=article, author=member)
    comment_factory(article=article, author=other_member)
    html = client.get(article.get_absolute_url()).content.decode()
    for user in (member, other_member):
        assert re.search(
            rf'<a class="comment-author-link" href="{profile_url(user)}">'
            rf"{user.display_name}</a>",
            html,
        )
