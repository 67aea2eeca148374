import pytest
from django.urls import reverse

from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db


def post_url(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


def test_member_comment_is_pending_and_shown_only_to_its_author(
    client, article, member, other_member
):
    client.force_login(member)
    response = client.post(post_url(article), {"body": "LDN helped my fatigue."})
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c{comment.pk}"
    page = client.get(response["Location"])
    assert "awaiting moderation" in page.content.decode()
    assert "LDN helped my fatigue." in page.content.decode()

    client.force_login(other_member)
    assert (
        "LDN helped my fatigue."
        not in client.get(article.get_absolute_url()).content.decode()
    )
    client.logout()
    assert (
        "LDN helped my fatigue."
        not in client.get(article.get_absolute_url()).content.decode()
    )
