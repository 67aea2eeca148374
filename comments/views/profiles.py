"""A member's public page: display name, when they joined, their approved
comments and, if they wrote one, their bio. Nothing else about them is
public."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from comments import selectors


class MemberProfileView(ListView):
    # By number, not by a slug of the display name: names change and are
    # freed for others to take, so a name-based link could later point at a
    # different person. The number never changes and is never reused.
    template_name = "comments/member_profile.html"
    context_object_name = "comments"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        # A deleted account has no row, hence no profile: a 404.
        self.member = get_object_or_404(
            get_user_model().objects.only("pk", "display_name", "bio", "date_joined"),
            pk=kwargs["pk"],
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.member_public_comments(member=self.member)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.member
        return context


member_profile = MemberProfileView.as_view()
