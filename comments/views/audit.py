"""Members as moderators see them, and the audit log with its CSV export."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET, require_POST

from comments import audit, moderation, selectors
from comments.forms import AuditLogFilterForm, MemberNoteForm, MemberStandingForm
from comments.models import Standing
from comments.permissions import check_can_moderate, is_moderator

PAGE_SIZE = settings.MODERATION_QUEUE_PAGE_SIZE


def _member_or_404(request, pk):
    check_can_moderate(request.user)
    return get_object_or_404(get_user_model(), pk=pk)


def _standing_initial(record) -> dict:
    if record is None:
        return {"level": Standing.AUTO}
    return {
        "level": record.level,
        "until": record.suspended_until,
        "reason": record.reason,
    }


def _member_page(request, member, *, note_form=None, standing_form=None, status=200):
    standing = audit.standing_summary(member)
    page = Paginator(selectors.member_comments(member=member), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "moderation/member_detail.html",
        {
            "member": member,
            "standing": standing,
            "counts": audit.status_counts(member),
            "page_obj": page,
            "comments": page.object_list,
            "decisions": audit.member_decisions(member),
            "reports": audit.member_reports(member),
            "report_count": audit.member_report_count(member),
            "notes": audit.member_notes(member),
            "note_form": note_form or MemberNoteForm(),
            "standing_form": standing_form
            or MemberStandingForm(initial=_standing_initial(standing.record)),
        },
        status=status,
    )


@login_required
@require_GET
def member_detail(request, pk):
    member = _member_or_404(request, pk)
    return _member_page(request, member)


@login_required
@require_POST
def member_note_add(request, pk):
    member = _member_or_404(request, pk)
    form = MemberNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note was not saved. Please correct it below.")
        return _member_page(request, member, note_form=form, status=400)
    try:
        audit.note_add(
            member=member, author=request.user, text=form.cleaned_data["text"]
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _member_page(request, member, note_form=form, status=400)
    messages.success(request, f"Note added on {member.display_name}.")
    return redirect("comments:member-detail", pk=member.pk)


def _standing_message(member, level: str, until, rejected: int) -> str:
    name = member.display_name
    match level:
        case Standing.BANNED:
            waiting = ""
            if rejected:
                those = "comment" if rejected == 1 else "comments"
                verb = "was" if rejected == 1 else "were"
                waiting = f" {rejected} {those} awaiting moderation {verb} rejected."
            return f"{name} is banned and can no longer post.{waiting}"
        case Standing.SUSPENDED:
            end = dateformat.format(timezone.localtime(until), "j F Y, H:i")
            return f"{name} is suspended until {end}."
        case Standing.TRUSTED:
            return f"{name} is trusted: their comments publish at once."
        case Standing.UNTRUSTED:
            return f"{name} is untrusted: every comment of theirs is held."
    return f"{name} earns trust as every member does."


@login_required
@require_POST
def member_standing(request, pk):
    member = _member_or_404(request, pk)
    if member.pk == request.user.pk:
        raise PermissionDenied("You can't change your own standing.")
    if is_moderator(member):
        raise PermissionDenied("A moderator's standing can't be changed here.")
    form = MemberStandingForm(request.POST)
    if form.is_valid():
        level = form.cleaned_data["level"]
        waiting = audit.pending_count(member) if level == Standing.BANNED else 0
        try:
            moderation.set_standing(
                member,
                level=level,
                by=request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"].strip(),
            )
        except ValueError as exc:
            # The end passed between the form's check and this one.
            form.add_error("until", str(exc))
        else:
            messages.success(
                request,
                _standing_message(member, level, form.cleaned_data["until"], waiting),
            )
            return redirect("comments:member-detail", pk=member.pk)
    messages.error(request, "Nothing was changed. Please correct the standing form.")
    return _member_page(request, member, standing_form=form, status=400)


def _filter_form(request):
    check_can_moderate(request.user)
    return AuditLogFilterForm(request.GET)


@login_required
@require_GET
def audit_log(request):
    form = _filter_form(request)
    if not form.is_valid():
        return render(
            request,
            "moderation/audit_log.html",
            {"filter_form": form, "page_obj": None, "events": []},
            status=400,
        )
    page = Paginator(audit.log_events(form.log_filter()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "moderation/audit_log.html",
        {"filter_form": form, "page_obj": page, "events": page.object_list},
    )


@login_required
@require_GET
def audit_log_csv(request):
    form = _filter_form(request)
    if not form.is_valid():
        problems = "\n".join(
            f"{form.fields[field].label if field in form.fields else 'Filters'}: "
            f"{message}"
            for field, errors in form.errors.items()
            for message in errors
        )
        return HttpResponse(
            f"The export was not made: a filter is not valid.\n{problems}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return StreamingHttpResponse(
        audit.csv_lines(audit.log_events(form.log_filter())),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="moderation-log.csv"'},
    )
