"""The Jinja2 environment for the few templates that must render fast
(templates/jinja2/). Everything else uses Django's template language."""

from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat, timezone
from jinja2 import Environment


def _local(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _date(value, format_string: str) -> str:
    """Django's `date` filter: the value in the current time zone."""
    return dateformat.format(_local(value), format_string) if value else ""


@lru_cache(maxsize=512)
def _format_day(day, format_string: str) -> str:
    return dateformat.format(day, format_string)


def _day(value, format_string: str) -> str:
    """`date` for formats without a time of day: a page shows many times
    on few days, so each day is formatted once."""
    return _format_day(_local(value).date(), format_string) if value else ""


def _iso(value) -> str:
    # HTML's datetime attribute allows at most milliseconds.
    return _local(value).isoformat(timespec="seconds") if value else ""


def _stamp_iso(value) -> str:
    """Django's date:"Y-m-d\\TH:i:sO", for a datetime attribute."""
    return _local(value).strftime("%Y-%m-%dT%H:%M:%S%z") if value else ""


def _stamp(value, month: str) -> str:
    local = _local(value)
    return f"{local.day} {local.strftime(month)} {local.strftime('%Y, %H:%M')} " + (
        local.tzname() or ""
    )


def _stamp_long(value) -> str:
    """date:"j F Y, H:i e", without Django's formatter's cost per call."""
    return _stamp(value, "%B") if value else ""


def _stamp_short(value) -> str:
    """date:"j M Y, H:i e"."""
    return _stamp(value, "%b") if value else ""


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
