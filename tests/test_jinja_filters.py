"""The Jinja2 templates' date filters (ldnforum/jinja.py) say what Django's
`date` filter would, in the reader's current time zone, though they read
that zone once per rendering instead of once per value."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone

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
def test_date_day_and_iso_follow_the_current_zone(zone):
    moment = MOMENTS[1]
    local = timezone.localtime(moment, ZoneInfo(zone))
    with timezone.override(ZoneInfo(zone)):
        assert render("{{ t|date('j F Y, H:i') }}", t=moment) == django_says(
            moment, "j F Y, H:i"
        )
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
