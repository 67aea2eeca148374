"""The whole forum through the test client, as its people use it: a patient
signs up and verifies, comments, a moderator approves, a reader sees it, and
the article's author replies with a badge."""

import re

import pytest
from django.test import Client

from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db


def test_signup_verify_comment_moderate_read_and_author_reply(
    article, author, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    patient = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = patient.post(
            "/accounts/signup/",
            {
                "email": "newpatient@example.com",
                "display_name": "Rosa M",
                "password1": "ldn-and-me-since-2019",
                "password2": "ldn-and-me-since-2019",
            },
        )
    assert response.status_code == 302

    # Verify through the link in the email.
    [email] = mailoutbox
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", email.body)
    assert link, email.body
    confirm_page = patient.get(link.group(1))
    assert confirm_page.status_code == 200
    response = patient.post(link.group(1))
    assert response.status_code == 302
    assert "_auth_user_id" in patient.session

    # Comment; it waits for moderation and only Rosa sees it.
    response = patient.post(
        f"/articles/{article.slug}/comments/",
        {"body": "Three months on 3 mg.\n\nLess fog in the mornings."},
        follow=True,
    )
    comment = Comment.objects.get(author__display_name="Rosa M")
    assert comment.status == CommentStatus.PENDING
    html = response.content.decode()
    assert "awaiting moderation" in html
    assert "Less fog in the mornings." in html
    reader = Client()
    assert "Less fog" not in reader.get(article.get_absolute_url()).content.decode()

    # The moderator finds it in the queue and approves it.
    mod = Client()
    mod.force_login(moderator)
    assert "Less fog in the mornings." in mod.get("/moderation/").content.decode()
    mod.post(f"/moderation/{comment.pk}/approve/")

    page = reader.get(article.get_absolute_url()).content.decode()
    assert "Less fog in the mornings." in page
    assert "Rosa M" in page
    assert "1 comment" in page

    # The author replies in the thread; it publishes at once, badged.
    writer = Client()
    writer.force_login(author)
    writer.post(
        f"/articles/{article.slug}/comments/",
        {
            "body": "Thank you, Rosa. Keep your neurologist in the loop.",
            "parent": comment.pk,
        },
    )
    reply = Comment.objects.get(parent=comment)
    assert reply.status == CommentStatus.APPROVED
    page = reader.get(article.get_absolute_url()).content.decode()
    reply_html = page[page.index(f'id="c{reply.pk}"') :]
    assert "Keep your neurologist in the loop." in reply_html
    assert '<span class="badge text-bg-primary">Author</span>' in reply_html[:1500]
    # The reply is nested under Rosa's comment.
    rosa = page[page.index(f'id="c{comment.pk}"') : page.index(f'id="c{reply.pk}"')]
    assert "comment-children" in rosa
