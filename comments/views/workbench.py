"""The moderators' workbench at /moderation/.

Every decision goes through comments/moderation.py. A form on the page says
which status the moderator saw (`seen`, or the tab for bulk actions); the
decision is applied only while the comment is still in it, under the same
row lock, so a comment someone else decided meanwhile is skipped and
reported rather than decided twice.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from comments import moderation, selectors
from comments.forms import (
    BULK_ACTIONS,
    BULK_ACTIONS_BY_TAB,
    BULK_LIMIT,
    BulkActionForm,
    QueueFilterForm,
    QueueRejectForm,
    QueueRemoveForm,
)
from comments.models import Comment, CommentStatus
from comments.permissions import check_can_moderate

QueueTab = selectors.QueueTab


@dataclass(frozen=True)
class Decision:
    function: Callable[..., Comment]
    past: str  # for messages
    allowed_from: frozenset[str]


DECISIONS = {
    "approve": Decision(moderation.approve, "approved", moderation.APPROVABLE),
    "reject": Decision(moderation.reject, "rejected", moderation.REJECTABLE),
    "spam": Decision(moderation.mark_spam, "marked spam", moderation.SPAMMABLE),
    "remove": Decision(moderation.remove, "removed", moderation.REMOVABLE),
    "restore": Decision(moderation.restore, "restored", moderation.RESTORABLE),
}
_SAFE_NEXT = re.compile(r"/moderation/[^\s\\]*")


def _decide(comment: Comment, name: str, *, by, seen=None, **kwargs) -> Comment:
    """Apply one decision, refused with TransitionNotAllowed when the
    comment has left the statuses in `seen` (what the moderator saw)."""
    decision = DECISIONS[name]
    if seen is None or decision.allowed_from <= seen:
        # The state machine's own condition already says it all.
        return decision.function(comment, by=by, **kwargs)
    with transaction.atomic():
        current = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values_list("status", flat=True)
            .first()
        )
        if current not in seen:
            raise moderation.TransitionNotAllowed(comment.pk, decision.past)
        return decision.function(comment, by=by, **kwargs)


# The page ------------------------------------------------------------------


def _params(data: QueryDict) -> dict[str, str]:
    """The filter (and page) a request carries, as non-empty strings."""
    names = [*QueueFilterForm.base_fields, "page"]
    return {name: data[name] for name in names if data.get(name)}


def _queue_url(params: dict[str, str], **changes) -> str:
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v})
    url = reverse("comments:moderation-queue")
    return f"{url}?{query}" if query else url


_ITEM_URLS = {
    "approve": "comments:moderation-approve",
    "reject": "comments:moderation-reject",
    "spam": "comments:moderation-spam",
    "remove": "comments:moderation-remove",
    "restore": "comments:moderation-restore",
    "keep": "comments:moderation-keep",
}


def _prepare_items(comments: list[Comment]) -> None:
    """What each item's template needs, worked out once per page: which
    actions apply, why it is here, and its links (each pattern reversed
    once, with the pk put in, rather than reversed again for every item)."""
    patterns = {
        name: reverse(url_name, args=[0]).replace("/0/", "/{}/", 1)
        for name, url_name in _ITEM_URLS.items()
    }
    member_url = reverse("comments:member-detail", args=[0]).replace("/0/", "/{}/", 1)
    article_url = reverse("articles:detail", args=["-"]).replace("/-/", "/{}/", 1)
    for comment in comments:
        status = comment.status
        comment.can_approve = status in moderation.APPROVABLE
        comment.can_reject = status in moderation.REJECTABLE
        comment.can_spam = status in moderation.SPAMMABLE
        comment.can_remove = status in moderation.REMOVABLE
        comment.can_restore = status in moderation.RESTORABLE
        labels = comment.rule_labels
        rule = comment.status_rule
        # A rule that held it records the labels joined; don't say it twice.
        extra = (
            [rule] if rule and rule != "; ".join(labels) and rule not in labels else []
        )
        comment.reasons = [*labels, *extra]
        comment.reply_to = selectors.ReplyTo.of(comment.reply_to_fields)
        comment.urls = {name: url.format(comment.pk) for name, url in patterns.items()}
        comment.member_url = member_url.format(comment.author_id)
        comment.article_url = article_url.format(comment.article.slug)


def _render_items(request, comments: list[Comment], *, here: str, **context) -> str:
    # Jinja2 (templates/jinja2/): see ldnforum/jinja.py for why. The token
    # is masked once for the page's 200 forms; the backend's own
    # csrf_input would mask it afresh at every use.
    template = engines["jinja2"].get_template("moderation/queue_items.jinja")
    hidden = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">',
        get_token(request),
        here,
    )
    for comment in comments:
        # The status is one of CommentStatus's values: nothing to escape.
        comment.form_hidden = hidden + mark_safe(
            f'<input type="hidden" name="seen" value="{comment.status}">'
        )
    return mark_safe(template.render({"comments": comments, **context}))


def _options(choices) -> str:
    """The <option>s every item's reason select shares, escaped and built
    once per page rather than once per item."""
    return format_html_join("", '<option value="{}">{}</option>', choices)


def _article_options(choices, *, selected: str) -> str:
    """The article filter's <option>s. A site can have hundreds of
    articles: joining escaped strings once is far cheaper than a template
    loop or a format_html call per option."""
    # Every interpolated value is escaped.
    return mark_safe(
        "".join(
            f'<option value="{pk}"{" selected" if str(pk) == selected else ""}>'
            f"{html.escape(title)}</option>"
            for pk, title in choices
            if pk != ""
        )
    )


def _queue_page(request, data: QueryDict, *, bulk_form=None, status=200):
    now = timezone.now()
    params = _params(data)
    filter_form = QueueFilterForm(data)
    filters = filter_form.filters() if filter_form.is_valid() else None
    narrowed = filters is not None and filters.narrowed
    # Only a filtered list needs the queryset: for its count.
    queue = selectors.moderation_queue(filters, now=now) if narrowed else None
    page_size = settings.MODERATION_QUEUE_PAGE_SIZE
    asked = _page_number(data)
    # Matches are counted to the limit, or to the end of the page asked
    # for if that is further, and one more: reaching that says "more".
    count_limit = max(settings.MODERATION_QUEUE_COUNT_LIMIT, asked * page_size) + 1
    counts = selectors.queue_tab_counts(
        now=now,
        matching=queue if narrowed else None,
        matching_limit=count_limit,
    )
    request.moderation_pending_count = counts[QueueTab.PENDING]
    context = {
        "moderation_section": "queue",
        "filter_form": filter_form,
        "article_options": _article_options(
            filter_form.fields["article"].choices,
            selected=str(filter_form["article"].value() or ""),
        ),
        "choice_fields": [filter_form[name] for name in ("rule", "age", "sort")],
        "page_obj": None,
        "comments": [],
    }
    if filters is not None:
        paginator = Paginator(selectors.QueueList(filters, now=now), page_size)
        # Counted already, with the tabs.
        paginator.count = counts["matching" if narrowed else filters.tab]
        more_than = (
            count_limit - 1 if narrowed and paginator.count == count_limit else 0
        )
        # Past the count, only numbered pages are known ("last" is not).
        page = paginator.get_page(asked if more_than else data.get("page"))
        comments = list(page.object_list)
        selectors.attach_member_history(comments)
        if page.number != 1:
            params["page"] = str(page.number)
        else:
            params.pop("page", None)
        _prepare_items(comments)
        tab = filters.tab
        bulk_actions = [(a, BULK_ACTIONS[a]) for a in BULK_ACTIONS_BY_TAB[tab]]
        selected = _selected(bulk_form)
        reject_options = _options(QueueRejectForm().fields["reason"].choices)
        remove_options = _options(QueueRemoveForm().fields["reason"].choices)
        context.update(
            page_obj=page,
            comments=comments,
            items=_render_items(
                request,
                comments,
                bulk_actions=bool(bulk_actions),
                selected=selected,
                here=_queue_url(params),
                reject_options=reject_options,
                remove_options=remove_options,
            ),
            filtered=narrowed,
            more_than=more_than,
            bulk_actions=bulk_actions,
            bulk_can_reject="reject" in BULK_ACTIONS_BY_TAB[tab],
            bulk_form=bulk_form if bulk_form is not None else BulkActionForm(tab=tab),
            bulk_limit=BULK_LIMIT,
        )
    else:
        tab = QueueTab.PENDING
        status = 400
        # Tabs and links keep only the filters that can be used.
        params = {k: v for k, v in params.items() if k not in filter_form.errors}
    without_page = {k: v for k, v in params.items() if k != "page"}
    context.update(
        tab=tab,
        tab_label=QueueTab(tab).label,
        tabs=[
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "url": _queue_url(without_page, tab=value),
                "active": value == tab,
            }
            for value, label in QueueTab.choices
        ],
        hidden_params=list(params.items()),
        page_query=urlencode(without_page),
        here=_queue_url(params),
        clear_url=_queue_url({}, tab=tab if tab != QueueTab.PENDING else ""),
    )
    return render(request, "moderation/queue.html", context, status=status)


# Counting to a page further than this would cost more than the page.
_FURTHEST_COUNTED_PAGE = 10_000


def _page_number(data: QueryDict) -> int:
    """The page a request asks for, read as Django's paginator reads it
    (" 3" is page 3); 1 for none, for "last" and for anything before the
    first page. Where the count stops short ("more than"), the last page is
    not known, so those go to the first."""
    try:
        page = int(data.get("page", "1").strip())
    except ValueError:
        return 1
    return min(page, _FURTHEST_COUNTED_PAGE) if page >= 1 else 1


def _selected(bulk_form) -> set[int]:
    """What stays ticked when a bulk action comes back with an error."""
    if bulk_form is None or not hasattr(bulk_form, "cleaned_data"):
        return set()
    return set(bulk_form.cleaned_data.get("ids") or [])


@login_required
def moderation_queue(request):
    check_can_moderate(request.user)
    return _queue_page(request, request.GET)


# One comment ---------------------------------------------------------------


def _queue_item(request, pk):
    check_can_moderate(request.user)
    return get_object_or_404(Comment.objects.select_related("article"), pk=pk)


def _next_url(request) -> str:
    """Back to the tab, filter and page the moderator came from: only ever
    a path on this site under /moderation/."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if _SAFE_NEXT.fullmatch(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("comments:moderation-queue")


def _seen(request):
    value = request.POST.get("seen", "")
    return frozenset({value}) if value in CommentStatus.values else None


def _act(request, comment, decision: str, success: str, **kwargs):
    try:
        _decide(comment, decision, by=request.user, seen=_seen(request), **kwargs)
    except moderation.TransitionNotAllowed:
        messages.warning(
            request,
            f"Comment #{comment.pk} was already decided by someone else; "
            "nothing changed.",
        )
    else:
        messages.success(request, success)
    return redirect(_next_url(request))


def _form_page(request, comment, form, *, verb, url_name, status):
    return render(
        request,
        "moderation/reject.html",
        {
            "comment": comment,
            "form": form,
            "verb": verb,
            "action_url": reverse(url_name, kwargs={"pk": comment.pk}),
            "next": _next_url(request),
            "moderation_section": "queue",
        },
        status=status,
    )


@login_required
@require_POST
def moderation_approve(request, pk):
    comment = _queue_item(request, pk)
    return _act(
        request, comment, "approve", f"Approved comment #{pk}. It is now public."
    )


@login_required
def moderation_reject(request, pk):
    comment = _queue_item(request, pk)
    if request.method != "POST":
        return _form_page(
            request,
            comment,
            QueueRejectForm(),
            verb="Reject",
            url_name="comments:moderation-reject",
            status=200,
        )
    form = QueueRejectForm(request.POST)
    if not form.is_valid():
        return _form_page(
            request,
            comment,
            form,
            verb="Reject",
            url_name="comments:moderation-reject",
            status=400,
        )
    return _act(
        request,
        comment,
        "reject",
        f"Rejected comment #{pk}.",
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"].strip(),
    )


@login_required
@require_POST
def moderation_spam(request, pk):
    comment = _queue_item(request, pk)
    return _act(request, comment, "spam", f"Marked comment #{pk} as spam.")


@login_required
@require_POST
def moderation_remove(request, pk):
    comment = _queue_item(request, pk)
    form = QueueRemoveForm(request.POST)
    if not form.is_valid():
        return _form_page(
            request,
            comment,
            form,
            verb="Remove",
            url_name="comments:moderation-remove",
            status=400,
        )
    return _act(
        request,
        comment,
        "remove",
        f"Removed comment #{pk} from its thread.",
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"].strip(),
    )


@login_required
@require_POST
def moderation_restore(request, pk):
    comment = _queue_item(request, pk)
    return _act(
        request, comment, "restore", f"Restored comment #{pk}. It is now public."
    )


@login_required
@require_POST
def moderation_keep(request, pk):
    comment = _queue_item(request, pk)
    try:
        closed = moderation.dismiss_reports(comment, by=request.user)
    except moderation.TransitionNotAllowed:
        messages.warning(
            request,
            f"Comment #{pk} is no longer published; nothing changed.",
        )
    else:
        messages.success(
            request,
            f"Kept comment #{pk} published and closed {closed} "
            f"report{'s' if closed != 1 else ''}.",
        )
    return redirect(_next_url(request))


# Many comments -------------------------------------------------------------


@dataclass
class BulkResult:
    done: int = 0
    decided_elsewhere: list[int] = field(default_factory=list)
    not_applicable: list[int] = field(default_factory=list)
    more: bool = False

    def message(self, decision: str) -> str:
        verb = {"approve": "Approved", "reject": "Rejected", "spam": "Marked"}
        parts = [f"{verb[decision]} {self.done}"]
        if decision == "spam":
            parts[0] += " as spam"
        if self.decided_elsewhere:
            parts.append(
                f"skipped {len(self.decided_elsewhere)} already decided by someone else"
            )
        if self.not_applicable:
            past = DECISIONS[decision].past
            parts.append(
                f"skipped {len(self.not_applicable)} that can't be {past} "
                "from their status"
            )
        text = ", ".join(parts) + "."
        if self.more:
            text += (
                f" More comments match this filter: run it again for the next "
                f"{BULK_LIMIT}."
            )
        return text


def _bulk(ids: list[int], decision: str, *, by, seen, **kwargs) -> BulkResult:
    """One decision on all of them at once; the ones that left the tab's
    statuses meanwhile, or that the action doesn't apply to, are skipped
    and counted."""
    result = BulkResult()
    decided = set(
        moderation.decide_many(ids, decision, by=by, only_from=seen, **kwargs)
    )
    result.done = len(decided)
    skipped = [pk for pk in ids if pk not in decided]
    if skipped:
        statuses = dict(
            Comment.objects.filter(pk__in=skipped).values_list("pk", "status")
        )
        for pk in skipped:
            if statuses.get(pk) in seen:
                result.not_applicable.append(pk)  # the action doesn't apply
            else:
                result.decided_elsewhere.append(pk)
    return result


@login_required
@require_POST
def moderation_bulk(request):
    check_can_moderate(request.user)
    filter_form = QueueFilterForm(request.POST)
    if not filter_form.is_valid():
        return _queue_page(request, request.POST)
    filters = filter_form.filters()
    form = BulkActionForm(request.POST, tab=filters.tab)
    if not form.is_valid():
        return _queue_page(request, request.POST, bulk_form=form, status=400)
    data = form.cleaned_data
    if data["all_matching"]:
        ids = list(
            selectors.moderation_queue(filters).values_list("pk", flat=True)[
                : BULK_LIMIT + 1
            ]
        )
        more = len(ids) > BULK_LIMIT
        ids = ids[:BULK_LIMIT]
    else:
        ids, more = data["ids"], False
    kwargs = {"note": data["note"].strip()}
    if data["action"] == "reject":
        kwargs["reason"] = data["reason"]
    result = _bulk(
        ids,
        data["action"],
        by=request.user,
        seen=selectors.TAB_STATUSES[filters.tab],
        **kwargs,
    )
    result.more = more
    level = messages.SUCCESS if result.done else messages.WARNING
    messages.add_message(request, level, result.message(data["action"]))
    if request.POST.get("next"):
        return redirect(_next_url(request))
    return redirect(_queue_url(_params(request.POST)))
