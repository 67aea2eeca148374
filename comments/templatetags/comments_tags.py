from django import template
from django.conf import settings

from comments import selectors
from comments.forms import CommentForm
from comments.permissions import has_verified_email

register = template.Library()


@register.inclusion_tag(
    "comments/thread.html", takes_context=True, name="comment_thread"
)
def comment_thread_for(context, article):
    """The discussion under an article: count, thread, and the form."""
    request = context["request"]
    user = request.user
    thread = selectors.comment_thread(article=article, user=user)
    reply_to = request.GET.get("reply", "")
    reply_to = int(reply_to) if reply_to.isdigit() else None
    can_post = (
        article.accepts_comments and user.is_authenticated and has_verified_email(user)
    )
    return {
        "request": request,
        "user": user,
        "article": article,
        "thread": thread,
        "nodes": thread.nodes,
        "reply_to": reply_to,
        "can_post": can_post,
        "form": CommentForm(),
        "reply_form": CommentForm(
            initial={"parent": reply_to}, auto_id="reply_%s", submit_label="Post reply"
        ),
        "max_length": settings.COMMENTS_MAX_LENGTH,
        "csrf_token": context.get("csrf_token"),
    }
