"""The member's own data: a copy of all of it, and deleting the account.
Also the privacy notice, which says what we keep."""

import json

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from comments import privacy
from comments.forms import AccountDeleteForm


@login_required
@require_GET
def data_export(request):
    return render(request, "comments/data_export.html")


@never_cache
@login_required
@require_GET
def data_export_download(request):
    data = privacy.export_member_data(member=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    filename = f"ldn-forum-data-{day}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _delete_page(request, *, form=None, refusal=None, status=200):
    return render(
        request,
        "comments/account_delete.html",
        {"form": form, "refusal": refusal},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    member = request.user
    try:
        privacy.check_can_delete_account(member)
    except privacy.AccountDeletionRefused as exc:
        return _delete_page(request, refusal=str(exc), status=403)
    if request.method == "GET":
        return _delete_page(request, form=AccountDeleteForm(member=member))
    # The password check is a way to guess passwords from a stolen session:
    # limited as allauth limits its own re-authentication.
    if not ratelimit.consume(request, action="reauthenticate", user=member):
        return _delete_page(
            request,
            refusal="Too many attempts. Please wait a minute and try again; "
            "nothing was deleted.",
            status=429,
        )
    form = AccountDeleteForm(request.POST, member=member)
    if not form.is_valid():
        return _delete_page(request, form=form, status=400)
    try:
        summary = privacy.delete_member(member=member, keep_comments=form.keep_comments)
    except privacy.AccountDeletionRefused as exc:
        return _delete_page(request, refusal=str(exc), status=403)
    logout(request)
    if summary.comments_deleted:
        done = "Your account and your comments are deleted."
    elif summary.comments_kept:
        done = 'Your account is deleted. Your comments now show "Former member".'
    else:
        done = "Your account is deleted."
    messages.success(request, f"{done} Thank you for having been part of the forum.")
    return redirect("articles:list")


@require_GET
def privacy_notice(request):
    return render(
        request,
        "pages/privacy.html",
        {"edit_minutes": settings.COMMENTS_EDIT_MINUTES},
    )
