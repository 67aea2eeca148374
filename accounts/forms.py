from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from accounts.models import BIO_MAX_LENGTH, DISPLAY_NAME_TAKEN
from accounts.selectors import display_name_taken
from accounts.validators import validate_display_name, validate_no_email_address
from ldnforum.honeypot import HoneypotField, HoneypotMixin


def _display_name_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        max_length=40, min_length=2, validators=[validate_display_name], **kwargs
    )


class SignupForm(HoneypotMixin, forms.Form):
    """Extra signup fields for allauth: the public pseudonym, and a
    honeypot for robots."""

    display_name = _display_name_field(
        help_text=(
            "Shown next to your comments. Use a pseudonym if you prefer: "
            "your email address is never shown."
        ),
    )
    website = HoneypotField()

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if display_name_taken(name):
            raise forms.ValidationError(DISPLAY_NAME_TAKEN)
        return name

    def signup(self, request, user):
        # The adapter's save_user() already stored the display name before
        # the first save; allauth requires this hook to exist.
        return None


class ProfileForm(forms.Form):
    """The member's public identity. A plain form, not a ModelForm, so a
    refused change never touches request.user."""

    display_name = _display_name_field(
        help_text=(
            "Your public name on the forum, shown next to all your comments, "
            "old and new. Don't use your email address."
        ),
    )
    bio = forms.CharField(
        required=False,
        max_length=BIO_MAX_LENGTH,
        strip=False,
        validators=[validate_no_email_address],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            f"Optional, up to {BIO_MAX_LENGTH} characters of plain text, shown on "
            "your public profile. Leave it empty to show nothing but your name, "
            "when you joined and your published comments."
        ),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save profile"))

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if display_name_taken(name, exclude_pk=self.member.pk):
            raise forms.ValidationError(DISPLAY_NAME_TAKEN)
        return name
