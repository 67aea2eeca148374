from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.functional import cached_property

from articles.models import Article
from comments import selectors
from comments.models import FlagReason, RejectionReason
from comments.services import validate_body
from ldnforum.honeypot import HoneypotField, HoneypotMixin


class CommentForm(HoneypotMixin, forms.Form):
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
    website = HoneypotField()

    def __init__(self, *args, submit_label="Post comment", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        # The comment and reply forms share a page: their ids differ by
        # auto_id, the button's too (crispy would give both the same one).
        submit_id = self.auto_id % "submit" if self.auto_id else None
        self.helper.add_input(Submit("submit", submit_label, css_id=submit_id))

    def clean_body(self):
        return validate_body(self.cleaned_data["body"])


class DecisionForm(forms.Form):
    """A moderator's decision: the note every decision may carry. Rendered
    inside a template's own <form>, which has the CSRF token."""

    field_order = ["reason", "note"]

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
        self.helper.disable_csrf = True


class RejectForm(DecisionForm):
    reason = forms.ChoiceField(choices=RejectionReason.choices)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == RejectionReason.OTHER
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", "Please say why when the reason is “Other”.")
        return cleaned


# --- workbench forms (views/workbench.py) ---


def _reason_choices(blank: str) -> list[tuple[str, str]]:
    # A ban rejects with MEMBER_BANNED itself; moderators pick the others.
    return [("", blank)] + [
        (value, label)
        for value, label in RejectionReason.choices
        if value != RejectionReason.MEMBER_BANNED
    ]


class QueueRejectForm(RejectForm):
    """RejectForm as the workbench shows it: nothing chosen until the
    moderator chooses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _reason_choices("Choose a reason…")


class QueueRemoveForm(DecisionForm):
    reason = forms.ChoiceField(
        choices=_reason_choices("No reason given"), required=False
    )


class QueueFilterForm(forms.Form):
    """The workbench's GET filters. Every field is optional; a value that
    is not one of the choices makes the page a 400."""

    tab = forms.ChoiceField(
        choices=selectors.QueueTab.choices, required=False, widget=forms.HiddenInput
    )
    # Choices rather than a ModelChoiceField: the options are read once and
    # also check the value, where a model field would query again for it.
    article = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    member = forms.CharField(
        required=False,
        max_length=100,
        label="Member",
        widget=forms.TextInput(attrs={"placeholder": "Name or number"}),
    )
    rule = forms.ChoiceField(
        choices=[("", "Any reason"), *selectors.HeldBy.choices],
        required=False,
        label="Held by",
    )
    age = forms.ChoiceField(
        choices=[("", "Any age")]
        + [(key, label) for key, (_, label) in selectors.QUEUE_AGES.items()],
        required=False,
    )
    q = forms.CharField(required=False, max_length=200, label="Text contains")
    sort = forms.ChoiceField(
        choices=[("", "Tab order"), ("oldest", "Oldest first"), ("newest", "Newest")],
        required=False,
        label="Order",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when first needed (a bulk action without an article filter
        # never needs them), then kept for the form's life.
        self.fields["article"].choices = self._article_choices

    @cached_property
    def _article_list(self) -> list[tuple[object, str]]:
        titles = Article.objects.order_by("title", "pk").values_list("pk", "title")
        return [("", "All articles"), *titles]

    def _article_choices(self) -> list[tuple[object, str]]:
        return self._article_list

    def filters(self) -> selectors.QueueFilters:
        data = self.cleaned_data
        age = data["age"]
        return selectors.QueueFilters(
            tab=data["tab"] or selectors.QueueTab.PENDING,
            article_id=data["article"],
            member=data["member"].strip(),
            rule=data["rule"],
            older_than=selectors.QUEUE_AGES[age][0] if age else None,
            text=data["q"].strip(),
            newest_first={"oldest": False, "newest": True}.get(data["sort"]),
        )


class _CommentIdsField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": "Some of the selected comments are unknown."}

    def __init__(self, *, max_count: int, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        if ids[0] < 1:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(ids) > self.max_count:
            raise forms.ValidationError(
                f"Select at most {self.max_count} comments at once.", code="max"
            )
        return ids


BULK_ACTIONS = {
    "approve": "Approve",
    "reject": "Reject",
    "spam": "Mark spam",
}
# What a bulk action may do from each tab; the state machine decides the rest.
BULK_ACTIONS_BY_TAB = {
    selectors.QueueTab.PENDING: ("approve", "reject", "spam"),
    selectors.QueueTab.REPORTED: ("approve", "reject", "spam"),
    selectors.QueueTab.REJECTED: ("spam",),
    selectors.QueueTab.APPROVED: ("spam",),
    selectors.QueueTab.SPAM: (),
    selectors.QueueTab.REMOVED: (),
}
BULK_LIMIT = 500


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=())
    reason = forms.ChoiceField(
        choices=_reason_choices("Choose a reason…"), required=False
    )
    note = forms.CharField(required=False, max_length=1000)
    ids = _CommentIdsField(required=False, max_count=BULK_LIMIT)
    all_matching = forms.BooleanField(required=False)

    def __init__(self, *args, tab: str = selectors.QueueTab.PENDING, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            (action, BULK_ACTIONS[action]) for action in BULK_ACTIONS_BY_TAB[tab]
        ]
        self.fields["action"].error_messages["invalid_choice"] = (
            "That action is not available on this tab."
        )
        self.fields["action"].error_messages["required"] = "Choose an action."

    def clean(self):
        cleaned = super().clean()
        nothing_chosen = not cleaned.get("ids") and not cleaned.get("all_matching")
        if nothing_chosen and "ids" not in self.errors:
            self.add_error(
                "ids", "Select at least one comment, or all that match the filter."
            )
        if cleaned.get("action") == "reject":
            if not cleaned.get("reason"):
                self.add_error("reason", "Choose a reason to reject them.")
            elif (
                cleaned["reason"] == RejectionReason.OTHER
                and not cleaned.get("note", "").strip()
            ):
                self.add_error("note", "Please say why when the reason is “Other”.")
        return cleaned


# --- member forms (views/members.py) ---


class CommentEditForm(CommentForm):
    """The author's correction: the same rules as a new comment, no parent
    (and no honeypot: robots don't get to their own comments' edit page)."""

    parent = None
    website = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label="Save changes", **kwargs)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why should a moderator look at this comment?",
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose a reason."},
    )
    note = forms.CharField(
        label="Note for the moderators",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Needed when you choose “Something else”. Only moderators see it. "
            "Up to 500 characters."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        self.helper.add_input(Submit("submit", "Send report"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == FlagReason.OTHER and not cleaned.get("note"):
            self.add_error("note", "Please tell the moderators what is wrong.")
        return cleaned


# --- audit and member-standing forms (views/audit.py) ---

# This section's own imports, kept here while several sections of this file
# are written at once; they can join the imports at the top.
from crispy_forms.layout import Column, Layout, Row  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from comments import audit  # noqa: E402
from comments.models import CommentStatus, Standing  # noqa: E402


class MemberNoteForm(forms.Form):
    text = forms.CharField(
        label="New note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only moderators see notes. Up to 2,000 characters.",
        error_messages={"required": "Please write the note first."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token


class MemberStandingForm(forms.Form):
    level = forms.ChoiceField(
        label="Standing",
        choices=Standing.choices,
        error_messages={"invalid_choice": "Please choose one of the standings."},
    )
    until = forms.DateTimeField(
        label="Suspended until",
        required=False,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        help_text="For a suspension only: when it ends.",
        error_messages={"invalid": "Please enter a date and time."},
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to suspend or ban. Moderators only see it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level")
        until = cleaned.get("until")
        if level == Standing.SUSPENDED:
            if until is None and "until" not in self.errors:
                self.add_error("until", "Please say when the suspension ends.")
            elif until is not None and until <= timezone.now():
                self.add_error("until", "The suspension must end in the future.")
        else:
            cleaned["until"] = None
        if level in (Standing.SUSPENDED, Standing.BANNED) and not cleaned.get("reason"):
            self.add_error("reason", "Please give the reason for this decision.")
        return cleaned


class AuditLogFilterForm(forms.Form):
    moderator = forms.ChoiceField(
        label="Decided by",
        required=False,
        error_messages={"invalid_choice": "Please choose a moderator from the list."},
    )
    member = forms.CharField(
        label="Member",
        required=False,
        max_length=40,
        help_text="Their display name.",
    )
    article = forms.ModelChoiceField(
        label="Article",
        queryset=Article.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.TextInput,
        help_text="The end of its address, for example ldn-in-ms.",
        error_messages={"invalid_choice": "No article has that address."},
    )
    action = forms.ChoiceField(
        label="Comment became",
        required=False,
        choices=[
            ("", "Any status"),
            *CommentStatus.choices,
            (audit.KEPT, "Kept published after reports"),
        ],
        error_messages={"invalid_choice": "Please choose a status from the list."},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Please enter a date (YYYY-MM-DD)."},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Please enter a date (YYYY-MM-DD)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._moderators = {str(user.pk): user for user in audit.moderators()}
        self.fields["moderator"].choices = [
            ("", "Anyone"),
            (audit.BY_RULES, "The rules (no person)"),
            *((pk, user.display_name) for pk, user in self._moderators.items()),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        # A GET form: no CSRF token, which would end up in the address.
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(Column("moderator"), Column("member"), Column("article")),
            Row(Column("action"), Column("date_from"), Column("date_to")),
        )

    def clean_moderator(self):
        value = self.cleaned_data["moderator"]
        if value == audit.BY_RULES:
            return audit.BY_RULES
        return self._moderators.get(value)

    def clean_member(self):
        name = self.cleaned_data["member"].strip()
        if not name:
            return None
        member = get_user_model().objects.filter(display_name__iexact=name).first()
        if member is None:
            raise forms.ValidationError(f"No member is called “{name}”.")
        return member

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def log_filter(self) -> audit.LogFilter:
        data = self.cleaned_data
        return audit.LogFilter(
            moderator=data["moderator"],
            member=data["member"],
            article=data["article"],
            action=data["action"] or None,
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


# --- notification settings (views/notifications.py) ---

from crispy_forms.layout import Fieldset  # noqa: E402

from comments.models import NotificationSettings  # noqa: E402


class NotificationSettingsForm(forms.ModelForm):
    """A member's email choices. Rendered inside the template's own <form>,
    which has the CSRF token."""

    class Meta:
        model = NotificationSettings
        fields = NotificationSettings.CHOICES
        widgets = {
            "article_comments_delivery": forms.RadioSelect,
            "follows_delivery": forms.RadioSelect,
        }

    def __init__(self, *args, is_author=False, is_moderator=False, **kwargs):
        super().__init__(*args, **kwargs)
        sections = [
            Fieldset("About my comments", "decisions", "replies"),
            Fieldset(
                "Discussions I follow", "follows", "follows_delivery", "follow_on_post"
            ),
        ]
        if is_author:
            sections.append(
                Fieldset("My articles", "article_comments", "article_comments_delivery")
            )
        else:
            del self.fields["article_comments"]
            del self.fields["article_comments_delivery"]
        if is_moderator:
            sections.append(Fieldset("Moderation", "moderation_reminders"))
        else:
            del self.fields["moderation_reminders"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*sections)
        self.helper.add_input(Submit("submit", "Save settings"))


# --- the member's own data (views/privacy.py) ---


class AccountDeleteForm(forms.Form):
    KEEP, DELETE = "keep", "delete"

    comments = forms.ChoiceField(
        label="Your comments",
        choices=[
            (
                KEEP,
                "Keep my published comments on the site, shown as written by "
                "“Former member”",
            ),
            (
                DELETE,
                "Delete my comments too (where others replied, a note “deleted by "
                "its author” keeps the conversation readable)",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose what happens to your comments."},
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm that it is you.",
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.helper = FormHelper()
        delete = Submit("delete", "Delete my account")
        delete.field_classes = "btn btn-danger"
        self.helper.add_input(delete)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError(
                "That is not your password. Nothing was deleted.", code="password"
            )
        return password

    @property
    def keep_comments(self) -> bool:
        return self.cleaned_data["comments"] == self.KEEP
