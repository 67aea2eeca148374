from datetime import timedelta

from django import template
from django.conf import settings
from django.http import Http404
from django.utils import timezone

from comments import notifications, selectors
from comments.forms import CommentForm

register = template.Library()


def thread_page(request, article) -> selectors.ThreadPage:
    """The page of the thread this request asks for (?page=, ?sort=), read
    once per request: the page's <head> links and its body both need it."""
    cached = getattr(request, "_comment_thread_page", None)
    if cached is not None and cached[0] == article.pk:
        return cached[1]
    page = request.GET.get("page", "1")
    sort = request.GET.get("sort", selectors.ThreadSort.OLDEST)
    try:
        if not (page.isascii() and page.isdigit()) or len(page) > 6:
            raise selectors.NoSuchThreadPage(page, sort)
        thread = selectors.comment_thread(
            article=article, user=request.user, page=int(page), sort=sort
        )
    except selectors.NoSuchThreadPage:
        raise Http404("This discussion has no such page.") from None
    request._comment_thread_page = (article.pk, thread)
    return thread


@register.inclusion_tag("comments/thread_links.html", takes_context=True)
def comment_thread_links(context, article):
    """rel=prev/next (and canonical) links for the page's <head>."""
    request = context["request"]
    return {"article": article, "thread": thread_page(request, article)}


@register.inclusion_tag(
    "comments/thread.html", takes_context=True, name="comment_thread"
)
def comment_thread_for(context, article):
    """The discussion under an article: count, one page of the thread,
    and the form."""
    request = context["request"]
    user = request.user
    thread = thread_page(request, article)
    reply_to = request.GET.get("reply", "")
    reply_to = int(reply_to) if reply_to.isascii() and reply_to.isdigit() else None
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
