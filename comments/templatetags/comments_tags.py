import re
from datetime import datetime, timedelta

from django import template
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import page_cache
from comments import selectors
from comments.forms import CommentForm

register = template.Library()


def _reply_to(request) -> int | None:
    value = request.GET.get("reply", "")
    return int(value) if value.isascii() and value.isdigit() else None


def _page_and_sort(request) -> tuple[int, str]:
    page = request.GET.get("page", "1")
    sort = request.GET.get("sort", selectors.ThreadSort.OLDEST)
    if (
        not (page.isascii() and page.isdigit())
        or len(page) > 6
        or sort not in selectors.ThreadSort.values
        or int(page) < 1
    ):
        raise Http404("This discussion has no such page.")
    return int(page), sort


class _Discussion:
    """One request's view of an article's thread: the page (?page=,
    ?sort=) and its comments' HTML. Members who have nothing waiting on the
    article and no reply form open share one rendering of each page (see
    _personal), cached with the article's version; anyone else gets their
    own."""

    def __init__(self, request, article):
        self.request, self.article = request, article
        self.user = request.user
        self.page, self.sort = _page_and_sort(request)
        self.viewer = selectors.thread_viewer(user=self.user, article=article)
        self.reply_to = _reply_to(request)
        self.can_post = article.accepts_comments and self.viewer.verified
        self.shared = (
            self.user.is_authenticated
            and not self.viewer.waiting_here
            and not (self.can_post and self.reply_to is not None)
        )
        self._html = None
        self.thread = None
        if self.shared:
            self._key = page_cache.fragment_key(
                article.pk,
                "members",
                self.page,
                self.sort,
                int(self.can_post),
                int(self.viewer.verified),
            )
            hit = cache.get(self._key)
            if hit is not None:
                self.thread, self._html = hit
        if self.thread is None:
            try:
                self.thread = selectors.comment_thread(
                    article=article, user=self.user, page=self.page, sort=self.sort
                )
            except selectors.NoSuchThreadPage:
                raise Http404("This discussion has no such page.") from None

    def context(self, csrf_token) -> dict:
        return {
            "request": self.request,
            "user": self.user,
            "article": self.article,
            "thread": self.thread,
            "reply_to": self.reply_to,
            "can_post": self.can_post,
            "can_report": self.viewer.verified,
            "csrf_token": csrf_token,
        }

    def comments_html(self, csrf_token) -> str:
        context = self.context(csrf_token)
        edit_open_since = timezone.now() - timedelta(
            minutes=settings.COMMENTS_EDIT_MINUTES
        )
        urls = _url_patterns()
        if not self.shared:
            reply_form = None
            if self.can_post and self.reply_to is not None:
                # Rendered by Django (crispy), so already safe markup.
                reply_form = render_to_string(
                    "comments/thread.html#comment-form",
                    {
                        **context,
                        "the_form": CommentForm(
                            initial={"parent": self.reply_to},
                            auto_id="reply_%s",
                            submit_label="Post reply",
                        ),
                    },
                )
            return _render_nodes(
                self.thread,
                context,
                urls=urls,
                reply_form=reply_form,
                edit_open_since=edit_open_since,
            )
        if self._html is None:
            self._html = _render_nodes(
                self.thread,
                {**context, "user": _AnyMember()},
                urls=urls,
                reply_form=None,
                edit_open_since=edit_open_since,
                shared=True,
            )
            # The nodes stay out of the cache: the HTML is what is shared.
            meta = selectors.ThreadPage(
                nodes=[],
                number=self.thread.number,
                num_pages=self.thread.num_pages,
                sort=self.thread.sort,
                conversations=self.thread.conversations,
            )
            cache.set(self._key, (meta, self._html), settings.PAGE_CACHE_SECONDS)
        # Our own autoescaped rendering, with links made by format_html.
        return mark_safe(_personal(self._html, self.user.pk, edit_open_since, urls))


class _AnyMember:
    """The reader a shared rendering is made for: signed in, nobody's
    author."""

    is_authenticated = True
    pk = None


def _discussion(request, article) -> _Discussion:
    """Made once per request: the page's <head> links and its body both
    need it."""
    cached = getattr(request, "_comment_discussion", None)
    if cached is None or cached.article.pk != article.pk:
        cached = _Discussion(request, article)
        request._comment_discussion = cached
    return cached


@register.inclusion_tag("comments/thread_links.html", takes_context=True)
def comment_thread_links(context, article):
    """rel=prev/next (and canonical) links for the page's <head>."""
    discussion = _discussion(context["request"], article)
    return {"article": article, "thread": discussion.thread}


@register.inclusion_tag(
    "comments/thread.html", takes_context=True, name="comment_thread"
)
def comment_thread_for(context, article):
    """The discussion under an article: count, one page of the thread,
    and the form."""
    discussion = _discussion(context["request"], article)
    csrf_token = context.get("csrf_token")
    return {
        **discussion.context(csrf_token),
        "nodes_html": discussion.comments_html(csrf_token),
        "following": discussion.viewer.following,
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


def _render_nodes(
    thread,
    context: dict,
    *,
    urls: dict[str, str],
    reply_form,
    edit_open_since,
    shared: bool = False,
) -> str:
    # Jinja2 (templates/jinja2/, ldnforum/jinja.py): what each comment row
    # needs is computed here once per page, not once per comment.
    template = engines["jinja2"].get_template("comments/thread_nodes.jinja")
    return mark_safe(
        template.render(
            {
                **context,
                "nodes": thread.nodes,
                "urls": urls,
                "article_url": context["article"].get_absolute_url(),
                "reply_form": reply_form,
                # Whether a comment may still be edited, decided per comment
                # from this moment, so the thread costs no query per comment.
                "edit_open_since": edit_open_since,
                "shared": shared,
            }
        )
    )


# In a shared rendering every comment's own-actions sit between markers
# that name its author. Nothing a member writes can forge one: sanitize.py
# drops HTML comments from bodies, and names are escaped.
_OWN = re.compile(r"<!--own:(\d+):(\d*):(\d+)-->(.*?)<!--/own-->", re.DOTALL)


def _personal(
    html: str, member_id: int, edit_open_since: datetime, urls: dict[str, str]
) -> str:
    """The shared rendering for one member: on their own comments, Edit
    (within its window) and Delete instead of Report."""
    since = edit_open_since.timestamp()
    mine = str(member_id)

    def actions(match: re.Match) -> str:
        pk, author, created = match.group(1), match.group(2), int(match.group(3))
        if author != mine:
            return match.group(4)
        edit = (
            format_html(
                '<a class="btn btn-sm btn-outline-secondary" href="{}">Edit'
                '<span class="visually-hidden"> your comment</span></a>\n',
                urls["edit"].format(pk),
            )
            if created >= since
            else ""
        )
        return edit + format_html(
            '<a class="btn btn-sm btn-link text-body-secondary" href="{}">Delete'
            '<span class="visually-hidden"> your comment</span></a>',
            urls["delete"].format(pk),
        )

    return _OWN.sub(actions, html)
