"""The Jinja2 environment for the few templates that must render fast
(templates/jinja2/). Everything else uses Django's template language."""

from datetime import UTC, datetime
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import (
    NaturalTimeFormatter,
    naturaltime,
)
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat, timezone, translation
from django.utils.timesince import timesince
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

_ZONE = "_ldnforum_time_zone"
_LANGUAGE = "_ldnforum_language"


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


# naturaltime ------------------------------------------------------------
# Django's filter translates three or four strings for every value, and
# reading the active language each time costs more than the arithmetic: a
# workbench page of 50 items spent 3 ms there. Here each phrase is
# translated once per language and count, and the language is read once
# per rendering. The words and the algorithm stay Django's own (its
# timesince, its NaturalTimeFormatter strings); what this leaves to
# Django's filter as it is (a moment not in the past, a value that is not
# a datetime) is rare on a page. timesince still translates its ", " itself.


@lru_cache(maxsize=4096)
def _said(language: str, table: str, key: str, **values) -> str:
    """One of NaturalTimeFormatter's strings (`table` is time_strings or
    past_substrings), in `language`, with `values` put in (or, with none,
    as the format itself)."""
    with translation.override(language):
        phrase = getattr(NaturalTimeFormatter, table)[key]
        return phrase % values if values else str(phrase)


class _Unit:
    """A timesince unit ("%(num)d days" in naturaltime's past context) as
    timesince uses it, `unit % {"num": n}`, translated once per count."""

    def __init__(self, language: str, name: str):
        self.language, self.name = language, name

    def __mod__(self, values: dict) -> str:
        return _said(self.language, "past_substrings", self.name, num=values["num"])


@lru_cache(maxsize=64)
def _units(language: str) -> dict[str, _Unit]:
    return {
        name: _Unit(language, name) for name in NaturalTimeFormatter.past_substrings
    }


@pass_context
def _naturaltime(context: Context, value):
    """Django's naturaltime ("3 days, 4 hours ago"), word for word."""
    if not isinstance(value, datetime):
        return naturaltime(value)
    now = datetime.now(UTC if timezone.is_aware(value) else None)
    if value >= now:
        return naturaltime(value)
    language = context.vars.get(_LANGUAGE)
    if language is None:
        language = context.vars[_LANGUAGE] = translation.get_language()
    delta = now - value
    if delta.days != 0:
        since = timesince(value, now, time_strings=_units(language))
        return _said(language, "time_strings", "past-day") % {"delta": since}
    if delta.seconds == 0:
        return naturaltime(value)
    if delta.seconds < 60:
        return _said(language, "time_strings", "past-second", count=delta.seconds)
    if delta.seconds < 3600:
        count = delta.seconds // 60
        return _said(language, "time_strings", "past-minute", count=count)
    count = delta.seconds // 3600
    return _said(language, "time_strings", "past-hour", count=count)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.filters.update(
        day=_day,
        iso=_iso,
        naturaltime=_naturaltime,
        linebreaksbr=linebreaksbr,
        stamp_iso=_stamp_iso,
        stamp_long=_stamp_long,
        stamp_short=_stamp_short,
    )
    return env
