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


def environment(**options) -> Environment:
    env = Environment(**options)
    env.filters.update(
        date=_date,
        day=_day,
        iso=_iso,
        naturaltime=naturaltime,
        linebreaksbr=linebreaksbr,
    )
    return env
