from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from comments.models import RejectionReason
from comments.services import validate_body


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 5}),
        # The limit is checked by validate_body with a clearer message; the
        # browser's maxlength only helps the member see it coming.
        strip=False,
        help_text=(
            "Plain text. Links become clickable. Blank lines start a new paragraph."
        ),
    )
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The comment you are replying to is not available.",
            "min_value": "The comment you are replying to is not available.",
        },
    )

    def __init__(self, *args, submit_label="Post comment", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", submit_label))

    def clean_body(self):
        return validate_body(self.cleaned_data["body"])


class RejectForm(forms.Form):
    reason = forms.ChoiceField(choices=RejectionReason.choices)
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional. Kept in the moderation log.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == RejectionReason.OTHER
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", "Please say why when the reason is “Other”.")
        return cleaned
