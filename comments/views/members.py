"""What members do with their own and others' comments: edit, delete,
report, and the list of their own comments with what became of each."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from comments import selectors, services
from comments.forms import CommentEditForm, ReportForm
from comments.models import Comment, CommentStatus, Flag
from comments.moderation import DELETABLE, TransitionNotAllowed
from comments.permissions import can_see_comment, has_verified_email
from ldnforum import ratelimits

# How "My comments" names each status: the member's point of view.
STATUS_WORDS = {
    CommentStatus.PENDING: "Awaiting moderation",
    CommentStatus.APPROVED: "Published",
    CommentStatus.REJECTED: "Rejected",
    CommentStatus.SPAM: "Spam",
    CommentStatus.REMOVED: "Removed by a moderator",
    CommentStatus.DELETED: "Deleted by you",
}
# Statuses where the moderator's reason is worth showing to the member.
EXPLAINED = frozenset({CommentStatus.REJECTED, CommentStatus.REMOVED})


def _comment_or_404(pk) -> Comment:
    return get_object_or_404(Comment.objects.select_related("article", "author"), pk=pk)


def _own_or_visible_comment(user, pk) -> Comment:
    """The member's own comment, whatever became of it (they see it in "My
    comments"), or one they may see; anything else is a 404."""
    comment = _comment_or_404(pk)
    if comment.author_id != user.pk and not can_see_comment(user, comment):
        raise Http404("No such comment.")
    return comment


def _discussion_url(comment: Comment) -> str:
    return f"{comment.article.get_absolute_url()}#comments"


# Edit --------------------------------------------------------------------


def _edit_page(request, comment, *, form=None, error=None, status=200):
    return render(
        request,
        "comments/comment_edit.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": form,
            "error": error,
            "deadline": services.edit_deadline(comment),
            "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = _own_or_visible_comment(request.user, pk)
    try:
        services.check_can_edit(request.user, comment)
    except PermissionDenied as exc:
        return _edit_page(request, comment, error=str(exc), status=403)
    if request.method == "GET":
        form = CommentEditForm(initial={"body": comment.body})
        return _edit_page(request, comment, form=form)

    form = CommentEditForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, comment, form=form, status=400)
    body = form.cleaned_data["body"]
    if body == comment.body:
        messages.info(request, "You didn't change anything, so nothing was saved.")
        return redirect(selectors.comment_url(comment, user=request.user))
    was = comment.status
    try:
        comment = services.comment_edit(comment=comment, editor=request.user, body=body)
    except PermissionDenied as exc:
        # The window closed, or the comment was moderated, while they typed.
        return _edit_page(request, comment, form=form, error=str(exc), status=403)
    except TransitionNotAllowed:
        return _edit_page(
            request,
            comment,
            form=form,
            error="A moderator acted on this comment while you were editing it; "
            "nothing was saved.",
            status=409,
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _edit_page(request, comment, form=form, status=400)

    if comment.status == CommentStatus.PENDING and was == CommentStatus.APPROVED:
        messages.warning(
            request,
            "Your changes are saved. They need a moderator's look, so the comment "
            "is awaiting moderation again; until then only you can see it.",
        )
    elif comment.status == CommentStatus.PENDING:
        messages.success(
            request, "Your changes are saved. The comment is still awaiting moderation."
        )
    elif comment.status == CommentStatus.SPAM:
        messages.warning(
            request,
            "Your changes are saved, but they look like advertising, so the "
            "comment is no longer shown.",
        )
        return redirect(_discussion_url(comment))
    else:
        messages.success(request, "Your changes are saved.")
    return redirect(selectors.comment_url(comment, user=request.user))


# Delete ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    comment = _own_or_visible_comment(request.user, pk)
    context = {"comment": comment, "article": comment.article, "error": None}
    if comment.author_id != request.user.pk:
        context["error"] = "You can only delete your own comments."
        return render(request, "comments/comment_delete.html", context, status=403)
    if comment.status not in DELETABLE:
        context["error"] = "This comment can no longer be deleted."
        return render(request, "comments/comment_delete.html", context, status=403)
    if request.method == "POST":
        try:
            services.comment_delete(comment=comment, user=request.user)
        except TransitionNotAllowed:
            context["error"] = "This comment can no longer be deleted."
            return render(request, "comments/comment_delete.html", context, status=409)
        messages.success(request, "Your comment is deleted.")
        return redirect(_discussion_url(comment))
    context["has_replies"] = comment.replies.approved().exists()
    return render(request, "comments/comment_delete.html", context)


# Report ------------------------------------------------------------------


def _was_public(comment: Comment) -> bool:
    """Readers may have seen it, so a member may know it exists."""
    return (
        comment.article.is_published
        and comment.events.filter(to_status=CommentStatus.APPROVED).exists()
    )


def _report_refusal(user, comment: Comment) -> tuple[str, int] | None:
    """Why the report form is of no use to this member, shown before they
    fill it in; the service makes the same checks when they send it."""
    if not has_verified_email(user):
        return "Please verify your email address before reporting.", 403
    if comment.author_id == user.pk:
        return "You can't report your own comment.", 403
    if comment.status != CommentStatus.APPROVED:
        return (
            "Thank you, but this comment is already with the moderators or no "
            "longer shown.",
            409,
        )
    if Flag.objects.filter(comment=comment, reporter=user).exists():
        return "You have already reported this comment. Thank you.", 409
    return None


def _report_page(request, comment, *, form=None, error=None, status=200):
    return render(
        request,
        "comments/comment_report.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": form,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request, pk):
    comment = _comment_or_404(pk)
    # A comment that was public and is now hidden (removed, or already
    # reported enough) gets a polite refusal; one nobody else has ever seen
    # stays a 404.
    if not can_see_comment(request.user, comment) and not _was_public(comment):
        raise Http404("No such comment.")
    # Refused before the form is read, so that a POST learns the same as a
    # GET: not allowed (403) or already done (409), whatever it sent.
    refusal = _report_refusal(request.user, comment)
    if refusal:
        error, status = refusal
        return _report_page(request, comment, error=error, status=status)
    if request.method == "GET":
        return _report_page(request, comment, form=ReportForm())

    refused = ratelimits.limit_or_429(request, "report")
    if refused:
        return refused
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _report_page(request, comment, form=form, status=400)
    try:
        services.comment_report(
            comment=comment,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except services.ReportNotAllowed as exc:
        not_allowed = comment.author_id == request.user.pk or not has_verified_email(
            request.user
        )
        return _report_page(
            request, comment, error=str(exc), status=403 if not_allowed else 409
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _report_page(request, comment, form=form, status=400)
    messages.success(request, "Thank you, a moderator will look at it.")
    comment.refresh_from_db(fields=["status"])
    if comment.status == CommentStatus.APPROVED:
        return redirect(selectors.comment_url(comment, user=request.user))
    return redirect(_discussion_url(comment))


# My comments -------------------------------------------------------------


class MyCommentsView(LoginRequiredMixin, ListView):
    template_name = "comments/my_comments.html"
    context_object_name = "comments"
    paginate_by = 50

    def get_queryset(self):
        return selectors.member_comments(member=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for comment in context["comments"]:
            comment.status_words = STATUS_WORDS.get(
                comment.status, comment.get_status_display()
            )
            comment.explained = comment.status in EXPLAINED
        return context


my_comments = MyCommentsView.as_view()


# Guidelines --------------------------------------------------------------


@require_GET
def guidelines(request):
    return render(
        request,
        "pages/guidelines.html",
        {
            "trust_after": settings.TRUST_AFTER_APPROVED,
            "reports_to_hide": settings.REPORTS_TO_HIDE,
            "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
        },
    )
