from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from comments import selectors, services
from comments.forms import CommentForm
from comments.models import Comment, CommentStatus, RejectionReason
from comments.permissions import (
    CommentingNotAllowed,
    can_see_comment,
    check_can_comment,
)
from ldnforum import ratelimits


def _form_page(request, *, article, form, parent=None, error=None, status=400):
    return render(
        request,
        "comments/comment_form.html",
        {"article": article, "form": form, "parent": parent, "error": error},
        status=status,
    )


@require_POST
def comment_post(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        messages.info(request, "Please log in to join the discussion.")
        return redirect_to_login(article.get_absolute_url())
    refused = ratelimits.limit_or_429(request, "comment")
    if refused:
        return refused
    form = CommentForm(request.POST)
    parent = None
    try:
        check_can_comment(request.user, article)
    except CommentingNotAllowed as exc:
        return _form_page(
            request, article=article, form=form, error=str(exc), status=403
        )
    if not form.is_valid():
        return _form_page(request, article=article, form=form)
    parent_pk = form.cleaned_data.get("parent")
    if parent_pk:
        # Others' pending comments and comments elsewhere look the same as
        # missing ones: the member learns nothing about them.
        parent = (
            Comment.objects.filter(pk=parent_pk)
            .select_related("author", "article")
            .first()
        )
        if parent is None or not can_see_comment(request.user, parent):
            return _form_page(
                request,
                article=article,
                form=form,
                error="The comment you are replying to is not available.",
                status=404,
            )
    try:
        comment = services.comment_create(
            article=article,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=parent,
        )
    except CommentingNotAllowed as exc:
        return _form_page(
            request, article=article, form=form, parent=parent, error=str(exc)
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _form_page(request, article=article, form=form, parent=parent)
    if comment.status == CommentStatus.APPROVED:
        messages.success(request, "Your comment is published.")
        return redirect(selectors.comment_url(comment, user=request.user))
    if comment.status == CommentStatus.PENDING:
        messages.success(
            request,
            "Thank you. Your comment is awaiting moderation: a moderator will "
            "read it soon, and until then only you can see it.",
        )
        return redirect(selectors.comment_url(comment, user=request.user))
    if comment.moderation_reason == RejectionReason.DUPLICATE:
        messages.info(
            request,
            "You posted the same text a moment ago, so we kept only the first one.",
        )
    else:
        messages.warning(
            request,
            "Your comment was not published because it breaks the community "
            "guidelines. You can see it under My comments.",
        )
    return redirect(f"{comment.article.get_absolute_url()}#comments")


@require_GET
def comment_permalink(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if not can_see_comment(request.user, comment):
        raise Http404("No such comment.")
    # The page of the thread that holds it, oldest first (the default).
    return redirect(selectors.comment_url(comment, user=request.user))


@require_GET
def comment_reply(request, pk):
    """The reply form on its own page, for when the inline one is not at
    hand (no JavaScript, a link from an email)."""
    parent = get_object_or_404(
        Comment.objects.select_related("article", "author"), pk=pk
    )
    if parent.status != CommentStatus.APPROVED or not can_see_comment(
        request.user, parent
    ):
        raise Http404("No such comment.")
    article = parent.article
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    error = None
    try:
        check_can_comment(request.user, article)
    except CommentingNotAllowed as exc:
        error = str(exc)
    form = CommentForm(initial={"parent": parent.pk}, submit_label="Post reply")
    return _form_page(
        request,
        article=article,
        form=form,
        parent=parent,
        error=error,
        status=403 if error else 200,
    )
