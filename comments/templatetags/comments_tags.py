from datetime import timedelta

from django import template
from django.conf import settings
from django.utils import timezone

from comments import notifications, selectors
from comments.forms import CommentForm

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
    verified, following = notifications.verified_and_following(
        member=user, article=article
    )
    can_post = article.accepts_comments and verified
    # Whether a comment may still be edited is decided per comment in the
    # template from this moment, so the thread costs no query per comment.
    edit_open_since = timezone.now() - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
    return {
        "request": request,
        "user": user,
        "article": article,
        "thread": thread,
        "nodes": thread.nodes,
        "reply_to": reply_to,
        "can_post": can_post,
        "can_report": verified,
        "following": following,
        "edit_open_since": edit_open_since,
        "form": CommentForm(),
        "reply_form": CommentForm(
            initial={"parent": reply_to}, auto_id="reply_%s", submit_label="Post reply"
        ),
        "max_length": settings.COMMENTS_MAX_LENGTH,
        "csrf_token": context.get("csrf_token"),
    }
