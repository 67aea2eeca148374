"""The Jinja2 environment for the few templates that must render fast
(templates/jinja2/). Everything else uses Django's template language."""

from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat, timezone
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

_ZONE = "_ldnforum_time_zone"


def _local(context: Context, value):
    """An aware datetime (as USE_TZ gives them) in the current time zone,
    as Django's localtime. The zone is read once per rendering: Django
    keeps it in an asgiref Local, and reading that costs more than the
    conversion itself, hundreds of times a page."""
    if value.utcoffset() is None:
        return value
    zone = context.vars.get(_ZONE)
    if zone is None:
        zone = context.vars[_ZONE] = timezone.get_current_timezone()
    return value.astimezone(zone)


@pass_context
def _date(context: Context, value, format_string: str) -> str:
    """Django's `date` filter: the value in the current time zone."""
    if not value:
        return ""
    return dateformat.format(_local(context, value), format_string)


@lru_cache(maxsize=512)
def _format_day(day, format_string: str) -> str:
    return dateformat.format(day, format_string)


@pass_context
def _day(context: Context, value, format_string: str) -> str:
    """`date` for formats without a time of day: a page shows many times
    on few days, so each day is formatted once."""
    if not value:
        return ""
    return _format_day(_local(context, value).date(), format_string)


@pass_context
def _iso(context: Context, value) -> str:
    # HTML's datetime attribute allows at most milliseconds.
    if not value:
        return ""
    return _local(context, value).isoformat(timespec="seconds")


@pass_context
def _stamp_iso(context: Context, value) -> str:
    """Django's date:"Y-m-d\\TH:i:sO", for a datetime attribute."""
    if not value:
        return ""
    return _local(context, value).strftime("%Y-%m-%dT%H:%M:%S%z")


def _stamp(context: Context, value, month: str) -> str:
    local = _local(context, value)
    return f"{local.day} {local.strftime(month)} {local.strftime('%Y, %H:%M')} " + (
        local.tzname() or ""
    )


@pass_context
def _stamp_long(context: Context, value) -> str:
    """date:"j F Y, H:i e", without Django's formatter's cost per call."""
    return _stamp(context, value, "%B") if value else ""


@pass_context
def _stamp_short(context: Context, value) -> str:
    """date:"j M Y, H:i e"."""
    return _stamp(context, value, "%b") if value else ""


def environment(**options) -> Environment:
    env = Environment(**options)
    env.filters.update(
        date=_date,
        day=_day,
        iso=_iso,
        naturaltime=naturaltime,
        linebreaksbr=linebreaksbr,
        stamp_iso=_stamp_iso,
        stamp_long=_stamp_long,
        stamp_short=_stamp_short,
    )
    return env
