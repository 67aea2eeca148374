"""A honeypot: a text field that people never see or reach, and that
form-filling robots fill in. Used by the comment and reply form and the
sign-up form.

Hidden three ways: visually (Bootstrap's visually-hidden), from assistive
technology (aria-hidden), and from the keyboard (tabindex=-1); browsers are
asked not to autofill it. Its label still tells anyone who reaches it to
leave it empty. A filled-in honeypot makes the form invalid with a neutral
message that gives nothing away, so nothing is stored and the view answers
400 as it does for any invalid form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

FIELD_NAME = "website"
REFUSED = "This form could not be accepted. Please try again."


class HoneypotInput(forms.TextInput):
    # Form renderers treat it as a hidden field (no label or wrapper of
    # their own), so the markup below is all there is.
    is_hidden = True

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        input_id = attrs.get("id") or f"id_{name}"
        return format_html(
            '<div class="visually-hidden" aria-hidden="true">'
            '<label for="{}">Leave this field empty</label>'
            '<input type="text" name="{}" id="{}" value="" tabindex="-1" '
            'autocomplete="off">'
            "</div>",
            input_id,
            name,
            input_id,
        )


class HoneypotField(forms.CharField):
    widget = HoneypotInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Leave this field empty")
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            raise ValidationError(REFUSED, code="honeypot")


class HoneypotMixin:
    """Moves the honeypot's refusal to the top of the form, where people
    see form-wide errors; an error on the hidden field would go unseen."""

    def _post_clean(self):
        super()._post_clean()
        errors = self._errors.pop(FIELD_NAME, None) if self._errors else None
        if errors:
            self.add_error(None, ValidationError(REFUSED, code="honeypot"))


def is_honeypot_refusal(form) -> bool:
    return any(
        error.code == "honeypot" for error in form.errors.as_data().get("__all__", ())
    )
