from django import forms
from django.contrib.auth import get_user_model

from accounts.validators import validate_display_name


class SignupForm(forms.Form):
    """Extra signup field for allauth: the public pseudonym."""

    display_name = forms.CharField(
        max_length=40,
        min_length=2,
        validators=[validate_display_name],
        help_text=(
            "Shown next to your comments. Use a pseudonym if you prefer: "
            "your email address is never shown."
        ),
    )

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if get_user_model().objects.filter(display_name__iexact=name).exists():
            raise forms.ValidationError("That display name is taken.")
        return name

    def signup(self, request, user):
        # The adapter's save_user() already stored the display name before
        # the first save; allauth requires this hook to exist.
        return None
