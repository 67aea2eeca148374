from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from comments import moderation, selectors, services
from comments.forms import CommentForm, RejectForm
from comments.models import Comment, CommentStatus
from comments.permissions import (
    CommentingNotAllowed,
    can_see_comment,
    check_can_comment,
    check_can_moderate,
)


def _thread_url(comment: Comment) -> str:
    return f"{comment.article.get_absolute_url()}#{comment.anchor}"


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
        parent = Comment.objects.filter(pk=parent_pk).select_related("author").first()
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
    if comment.status == CommentStatus.PENDING:
        messages.success(
            request,
            "Thank you. Your comment is awaiting moderation: a moderator will "
            "read it soon, and until then only you can see it.",
        )
    else:
        messages.success(request, "Your comment is published.")
    return redirect(_thread_url(comment))


@require_GET
def comment_permalink(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if not can_see_comment(request.user, comment):
        raise Http404("No such comment.")
    return redirect(_thread_url(comment))


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


@login_required
def moderation_queue(request):
    check_can_moderate(request.user)
    page = Paginator(
        selectors.moderation_queue(), settings.MODERATION_QUEUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/queue.html",
        {"page_obj": page, "comments": page.object_list, "reject_form": RejectForm()},
    )


def _queue_item(request, pk):
    check_can_moderate(request.user)
    return get_object_or_404(Comment.objects.select_related("article"), pk=pk)


def _next_url(request) -> str:
    return reverse("comments:moderation-queue")


@login_required
@require_POST
def moderation_approve(request, pk):
    comment = _queue_item(request, pk)
    try:
        moderation.approve(comment, by=request.user)
    except moderation.TransitionNotAllowed:
        messages.warning(
            request,
            f"Comment #{pk} was already decided by someone else; nothing changed.",
        )
        return redirect(_next_url(request))
    messages.success(request, f"Approved comment #{pk}. It is now public.")
    return redirect(_next_url(request))


@login_required
def moderation_reject(request, pk):
    comment = _queue_item(request, pk)
    form = RejectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                moderation.reject(
                    comment,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"].strip(),
                )
            except moderation.TransitionNotAllowed:
                messages.warning(
                    request,
                    f"Comment #{pk} was already decided by someone else; "
                    "nothing changed.",
                )
                return redirect(_next_url(request))
            messages.success(request, f"Rejected comment #{pk}.")
            return redirect(_next_url(request))
        status = 400
    else:
        status = 200
    return render(
        request,
        "moderation/reject.html",
        {"comment": comment, "form": form},
        status=status,
    )
