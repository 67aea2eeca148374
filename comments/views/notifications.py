"""Email notifications: the settings page, following a discussion, and the
unsubscribe links in every notification email."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from comments import notifications
from comments.forms import NotificationSettingsForm
from comments.permissions import has_verified_email, is_moderator


def _settings_page(request, form, *, status=200):
    return render(
        request,
        "comments/notification_settings.html",
        {
            "form": form,
            "follows": notifications.followed_threads(member=request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    member = request.user
    options = {
        "instance": notifications.settings_for(member),
        "is_author": Article.objects.filter(author=member).exists(),
        "is_moderator": is_moderator(member),
    }
    if request.method == "GET":
        return _settings_page(request, NotificationSettingsForm(**options))
    form = NotificationSettingsForm(request.POST, **options)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    notifications.notification_settings_update(member=member, values=form.cleaned_data)
    messages.success(request, "Your email settings are saved.")
    return redirect("comments:notification-settings")


def _back(request, article: Article) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"{article.get_absolute_url()}#comments"


@login_required
@require_POST
def follow(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not has_verified_email(request.user):
        # We only write to addresses that are known to be theirs.
        raise PermissionDenied(
            "Please verify your email address before following discussions."
        )
    notifications.follow_article(member=request.user, article=article)
    messages.success(
        request,
        "You are following this discussion: we'll email you about new comments.",
    )
    return redirect(_back(request, article))


@login_required
@require_POST
def unfollow(request, slug):
    # Any article, published or not: a member can always stop following.
    article = get_object_or_404(Article, slug=slug)
    notifications.unfollow_article(member=request.user, article_id=article.pk)
    messages.success(request, f"You no longer follow “{article.title}”.")
    return redirect(_back(request, article))


# Unsubscribe links: no login, the signed token is the authorisation ------


def _read_token(token):
    """(member, scope), or None when the link is not one we made for a
    member who still exists."""
    try:
        member_id, scope = notifications.read_unsubscribe_token(token)
    except ValidationError:
        return None
    member = get_user_model().objects.filter(pk=member_id, is_active=True).first()
    return (member, scope) if member is not None else None


def _invalid_link(request):
    return render(request, "comments/unsubscribe_invalid.html", status=400)


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = _read_token(token)
    if found is None:
        return _invalid_link(request)
    member, scope = found
    context = {
        "member": member,
        "token": token,
        "words": notifications.scope_words(scope),
        "done": notifications.is_unsubscribed(member=member, scope=scope),
    }
    if request.method == "POST":
        notifications.unsubscribe(member=member, scope=scope)
        context["done"] = True
        context["just_done"] = True
    return render(request, "comments/unsubscribe_confirm.html", context)


@csrf_exempt  # mail clients POST without our CSRF token (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request, token):
    """The List-Unsubscribe address. A POST (List-Unsubscribe=One-Click)
    unsubscribes at once; a GET, from a client that opens the address
    instead, gets the page with the confirmation button."""
    if request.method == "GET":
        return redirect(reverse("comments:unsubscribe", args=[token]))
    found = _read_token(token)
    if found is None:
        return HttpResponse(
            "This unsubscribe link is not valid.", status=400, content_type="text/plain"
        )
    member, scope = found
    notifications.unsubscribe(member=member, scope=scope)
    return HttpResponse("You are unsubscribed.", content_type="text/plain")
