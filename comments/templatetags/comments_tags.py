from datetime import timedelta

from django import template
from django.conf import settings
from django.http import Http404
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

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
    shared = {
        "request": request,
        "user": user,
        "article": article,
        "thread": thread,
        "reply_to": reply_to,
        "can_post": can_post,
        "can_report": verified,
        "csrf_token": context.get("csrf_token"),
    }
    reply_form = None
    if can_post and reply_to is not None:
        reply_form = render_to_string(
            "comments/thread.html#comment-form",
            {
                **shared,
                "the_form": CommentForm(
                    initial={"parent": reply_to},
                    auto_id="reply_%s",
                    submit_label="Post reply",
                ),
            },
        )
    return {
        **shared,
        "nodes": thread.nodes,
        "nodes_html": _render_nodes(
            thread, shared, reply_form=mark_safe(reply_form) if reply_form else None
        ),
        "following": following,
        "form": CommentForm(),
        "max_length": settings.COMMENTS_MAX_LENGTH,
    }


def _url_patterns() -> dict[str, str]:
    """Each link a comment row has, reversed once per page rather than once
    per comment, with {} for the comment's (or its author's) number."""

    def pattern(name: str) -> str:
        return reverse(name, args=[0]).replace("/0/", "/{}/", 1)

    return {
        "profile": pattern("comments:member-profile"),
        "edit": pattern("comments:edit"),
        "delete": pattern("comments:delete"),
        "report": pattern("comments:report"),
        "login_to_reply": f"{reverse('account_login')}?next="
        + pattern("comments:reply"),
    }


def _render_nodes(thread, shared: dict, *, reply_form) -> str:
    # Jinja2 (templates/jinja2/, ldnforum/jinja.py): what each comment row
    # needs is computed here once per page, not once per comment.
    template = engines["jinja2"].get_template("comments/thread_nodes.jinja")
    return mark_safe(
        template.render(
            {
                **shared,
                "nodes": thread.nodes,
                "urls": _url_patterns(),
                "article_url": shared["article"].get_absolute_url(),
                "reply_form": reply_form,
                # Whether a comment may still be edited, decided per comment
                # from this moment, so the thread costs no query per comment.
                "edit_open_since": timezone.now()
                - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES),
            }
        )
    )
