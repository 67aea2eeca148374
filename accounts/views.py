"""The member's own account pages: the settings menu and the public
profile's contents. Export and deletion live in comments (they are about
comments too)."""

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services
from accounts.forms import ProfileForm
from ldnforum import ratelimits
from ldnforum.honeypot import is_honeypot_refusal


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, plus the one refusal its form can't see coming:
    a display name taken by a sign-up that committed a moment earlier."""

    def post(self, request, *args, **kwargs):
        # Per address, above allauth's own short-term sign-up limit.
        refused = ratelimits.limit_or_429(request, "signup")
        return refused or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.DisplayNameTaken as exc:
            form.add_error("display_name", exc.message_dict["display_name"])
            return self.form_invalid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if is_honeypot_refusal(form):
            # Refused, not corrected: what other refused forms here answer.
            response.status_code = 400
        return response


signup = SignupView.as_view()


@login_required
@require_GET
def account_settings(request):
    return render(request, "accounts/account_settings.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    member = request.user
    if request.method == "GET":
        form = ProfileForm(
            member=member,
            initial={"display_name": member.display_name, "bio": member.bio},
        )
        return render(request, "accounts/profile_edit.html", {"form": form})
    form = ProfileForm(request.POST, member=member)
    if form.is_valid():
        try:
            services.profile_update(member=member, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile-edit")
    return render(request, "accounts/profile_edit.html", {"form": form}, status=400)
