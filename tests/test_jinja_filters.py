"""The Jinja2 templates' date filters (ldnforum/jinja.py) say what Django's
`date` and `naturaltime` filters would, in the reader's current time zone
and language, though they read those once per rendering instead of once
per value."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation
from markupsafe import escape

# Winter and summer time in London, and a day that is another date there.
MOMENTS = [
    datetime(2026, 1, 5, 9, 7, 3, tzinfo=UTC),
    datetime(2026, 7, 5, 23, 30, 59, tzinfo=UTC),
]
FILTERS = {
    "stamp_long": "j F Y, H:i e",
    "stamp_short": "j M Y, H:i e",
    "stamp_iso": "Y-m-d\\TH:i:sO",
}


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def django_says(moment, format_string: str) -> str:
    """What {{ moment|date:format_string }} renders in a Django template,
    which converts the value to the current zone before the filter."""
    return django_date(timezone.localtime(moment), format_string)


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Pacific/Auckland"])
@pytest.mark.parametrize("name", FILTERS)
def test_stamps_match_djangos_date_filter_in_the_current_zone(zone, name):
    with timezone.override(ZoneInfo(zone)):
        for moment in MOMENTS:
            expected = django_says(moment, FILTERS[name])
            assert render(f"{{{{ t|{name} }}}}", t=moment) == expected


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_day_and_iso_follow_the_current_zone(zone):
    moment = MOMENTS[1]
    local = timezone.localtime(moment, ZoneInfo(zone))
    with timezone.override(ZoneInfo(zone)):
        assert render("{{ t|day('j M Y') }}", t=moment) == django_says(moment, "j M Y")
        assert render("{{ t|iso }}", t=moment) == local.isoformat(timespec="seconds")


def test_a_zone_change_between_renderings_is_seen():
    template = engines["jinja2"].from_string("{{ t|stamp_short }}")
    moment = MOMENTS[1]
    with timezone.override(ZoneInfo("UTC")):
        assert template.render({"t": moment}) == "5 Jul 2026, 23:30 UTC"
    with timezone.override(ZoneInfo("Pacific/Auckland")):
        assert template.render({"t": moment}) == "6 Jul 2026, 11:30 NZST"


def test_no_value_renders_nothing():
    assert render("{{ t|stamp_long }}{{ t|iso }}{{ t|day('j M') }}", t=None) == ""


# Ages from seconds to years, each half a second clear of a change of
# wording, so the moment between the two renderings can't change a word.
AGES = [
    timedelta(seconds=s, microseconds=500_000)
    for s in (1, 30, 59, 61, 60 * 59, 3601, 7199, 3600 * 23 + 5)
] + [
    timedelta(days=d, hours=h, minutes=m, microseconds=500_000)
    for d, h, m in (
        (1, 0, 0),
        (1, 4, 0),
        (2, 0, 30),
        (6, 23, 59),
        (7, 0, 1),
        (13, 5, 0),
        (30, 0, 0),
        (45, 3, 0),
        (364, 0, 0),
        (400, 12, 0),
        (3000, 0, 0),
    )
]


@pytest.mark.parametrize("language", ["en", "de", "fr", "ja"])
def test_naturaltime_says_what_djangos_filter_says(language):
    """Every unit, singular and plural, with Django's non-breaking spaces,
    in English and in languages with other plural rules and separators;
    and what it hands to Django (a moment to come, no value)."""
    with translation.override(language):
        now = datetime.now(UTC)
        values = [now - age for age in AGES]
        values += [now + timedelta(hours=3), None, ""]
        values += [datetime.now() - timedelta(days=3, hours=2)]  # naive
        for value in values:
            expected = escape(naturaltime(value))
            assert render("{{ t|naturaltime }}", t=value) == expected, value


def test_naturaltime_follows_the_language_of_each_rendering():
    moment = datetime.now(UTC) - timedelta(days=2, hours=3, microseconds=500_000)
    with translation.override("en"):
        english = render("{{ t|naturaltime }}", t=moment)
    with translation.override("de"):
        german = render("{{ t|naturaltime }}", t=moment)
        assert german == naturaltime(moment)
    assert english == "2\xa0days, 3\xa0hours ago"
    assert german != english
