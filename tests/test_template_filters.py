"""Template filters drawn in Python for speed write what Django's own would."""

from datetime import date

from django.template.defaultfilters import date as date_filter

from commitments.templatetags.tracker import short_date


def test_a_short_date_is_what_the_date_filter_writes_for_j_m_y():
    days = [date(2025, 5, 19), date(2026, 12, 2), date(2027, 1, 1), date(2026, 9, 30)]
    assert [short_date(day) for day in days] == ["19 May 2025", "2 Dec 2026", "1 Jan 2027", "30 Sep 2026"]
    assert [short_date(day) for day in days] == [date_filter(day, "j M Y") for day in days]


def test_a_short_date_reads_the_iso_days_of_a_stored_pack_and_nothing_as_nothing():
    assert short_date("2025-05-19") == "19 May 2025"
    assert short_date("") == ""
    assert short_date(None) == ""
